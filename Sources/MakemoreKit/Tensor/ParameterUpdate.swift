import Foundation

/// In-place parameter updates for optimizers: flat loops over a parameter's data and gradient,
/// no copies. A parameter without a gradient is left unchanged.
public enum ParameterUpdate {
    /// `p −= lr·(∂p + weightDecay·p)`
    public static func sgd(_ parameter: Tensor, learningRate: Float, weightDecay: Float = 0) {
        guard let g = parameter.gradStorage?.pointer else { return }
        let p = parameter.data
        for i in 0..<parameter.count { p[i] -= learningRate * (g[i] + weightDecay * p[i]) }
    }

    /// One AdamW step (decoupled weight decay, bias-corrected moments), `step` counting from 1:
    /// m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  p −= lr·(m̂/(√v̂ + eps) + weightDecay·p),
    /// m̂ = m/(1−β₁^step), v̂ = v/(1−β₂^step). `m` and `v` are state tensors shaped like `p`
    /// (start them at zero).
    public static func adamW(
        _ parameter: Tensor, m: Tensor, v: Tensor, step: Int, learningRate: Float,
        beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0
    ) {
        precondition(m.count == parameter.count && v.count == parameter.count, "state shape mismatch")
        precondition(step >= 1, "AdamW steps count from 1")
        guard let g = parameter.gradStorage?.pointer else { return }
        let p = parameter.data, mp = m.data, vp = v.data
        let c1 = 1 / (1 - Float(pow(Double(beta1), Double(step))))
        let c2 = 1 / (1 - Float(pow(Double(beta2), Double(step))))
        for i in 0..<parameter.count {
            let gi = g[i]
            let mi = beta1 * mp[i] + (1 - beta1) * gi
            let vi = beta2 * vp[i] + (1 - beta2) * gi * gi
            mp[i] = mi
            vp[i] = vi
            p[i] -= learningRate * ((mi * c1) / ((vi * c2).squareRoot() + eps) + weightDecay * p[i])
        }
    }

    /// Σ over parameters of Σ ∂p², in Double (for gradient-norm clipping and logging).
    public static func squaredGradientNorm(_ parameters: [Tensor]) -> Double {
        var total = 0.0
        for t in parameters {
            guard let g = t.gradStorage?.pointer else { continue }
            for i in 0..<t.count { total += Double(g[i]) * Double(g[i]) }
        }
        return total
    }

    /// Multiplies every gradient by `factor` (e.g. clipping to a maximum norm).
    public static func scaleGradients(_ parameters: [Tensor], by factor: Float) {
        for t in parameters {
            guard let g = t.gradStorage?.pointer else { continue }
            for i in 0..<t.count { g[i] *= factor }
        }
    }
}

extension Tensor {
    /// Direct access for optimizers written elsewhere: `body` gets this tensor's elements
    /// (mutable, in place; shared with its views) and its gradient (nil if none). The buffers are
    /// valid only inside `body`.
    public func withUnsafeParameterBuffers<R>(
        _ body: (UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>?) throws -> R
    ) rethrows -> R {
        try withExtendedLifetime(self) {
            try body(UnsafeMutableBufferPointer(start: data, count: count),
                     gradStorage.map { UnsafeBufferPointer(start: $0.pointer, count: count) })
        }
    }
}
