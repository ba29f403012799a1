import Foundation
@testable import MakemoreKit

/// An element-wise non-linearity the models do not use, for reference computations in tests
/// (makemore.py's GRU step, gradient checks).
extension Tensor {
    /// `σ(x) = 1/(1 + e^−x)`, in Double. Backward: ∂x += out·(1 − out)·∂out.
    func sigmoid() -> Tensor {
        elementwise { Float(1 / (1 + Foundation.exp(-Double($0)))) } derivative: { _, y in y * (1 - y) }
    }

    /// y = f(x) element by element; backward ∂x += f′(x, y)·∂out.
    private func elementwise(_ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = values
        let out = Tensor(shape: shape, values: x.map(f))
        out.record(inputs: [self]) { [self] out in
            let y = out.values, g = out.gradValues!
            accumulateGrad((0..<count).map { derivative(x[$0], y[$0]) * g[$0] })
        }
        return out
    }
}
