import Foundation

/// Whole-gradient operations over a list of parameters (norms for logging and clipping).
/// The update rules themselves are `OptimizerKernels`, driven by `Optimizer`.
public enum ParameterUpdate {
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
