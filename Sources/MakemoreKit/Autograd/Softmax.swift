/// Softmax and log-softmax over the last axis, max-subtracted for stability.
extension Tensor {
    /// `out = exp(x − max) / Σ exp(x − max)` per last-axis row. With `causal`, the last two axes
    /// are [T, T] attention scores and row t keeps only columns 0...t (the rest are exactly 0).
    /// Backward: ∂x += out·(∂out − Σ_row ∂out·out) (masked entries have out = 0, so ∂x = 0).
    public func softmax(causal: Bool = false) -> Tensor {
        let columns = shape.last ?? 1
        if causal {
            precondition(shape.count >= 2 && shape[shape.count - 2] == columns,
                         "causal softmax needs [..., T, T], got \(shape)")
        }
        let rows = count / max(columns, 1)
        let out = Tensor(uninitializedShape: shape)
        softmaxForward(out.data, data, rows, columns, causal: causal)
        out.record(inputs: [self]) { [self] out in
            softmaxBackward(gradData, out.data, out.gradData, rows, columns)
        }
        return out
    }

    /// `out = x − max − log Σ exp(x − max)` per last-axis row.
    /// Backward: ∂x += ∂out − exp(out)·Σ_row ∂out.
    public func logSoftmax() -> Tensor {
        let columns = shape.last ?? 1
        let rows = count / max(columns, 1)
        let out = Tensor(uninitializedShape: shape)
        logSoftmaxForward(out.data, data, rows, columns)
        out.record(inputs: [self]) { [self] out in
            logSoftmaxBackward(gradData, out.data, out.gradData, rows, columns)
        }
        return out
    }
}
