import MakemoreKernels

/// Element-wise non-linearities. Each backward reuses what the forward kept (the output, or a
/// cached intermediate), never recomputing the forward.
extension Tensor {
    /// `tanh(x)`. Backward: ∂x += (1 − out²)·∂out (written when it is ∂x's first contribution).
    public func tanh() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        tanhForward(out.data, data, count)
        out.record(inputs: [self]) { [self] out in
            tanhBackward(gradForWriting, out.data, out.gradData, count)
        }
        return out
    }

    /// GELU, tanh approximation: `0.5x(1 + tanh(u))`, u = √(2/π)(x + 0.044715x³).
    /// Backward, with t = tanh(u): ∂x += ∂out·(0.5(1 + t) + 0.5x(1 − t²)·√(2/π)(1 + 0.134145x²)).
    public func gelu() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let t = Tensor(uninitializedShape: shape)  // tanh(u), cached for backward
        geluForward(out.data, t.data, data, count)
        out.record(inputs: [self]) { [self] out in
            geluBackward(gradForWriting, data, t.data, out.gradData, count)
        }
        return out
    }

    /// `max(x, 0)`. Backward: ∂x += ∂out where out > 0 (the subgradient at 0 is 0).
    public func relu() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        reluForward(out.data, data, count)
        out.record(inputs: [self]) { [self] out in
            reluBackward(gradData, out.data, out.gradData, count)
        }
        return out
    }
}
