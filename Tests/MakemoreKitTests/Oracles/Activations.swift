import Foundation
@testable import MakemoreKit

/// Element-wise non-linearities the models do not use, for reference computations in tests
/// (makemore.py's GRU step, gradient checks).
extension Tensor {
    /// `max(x, 0)`. Backward: ∂x += ∂out where out > 0 (the subgradient at 0 is 0).
    func relu() -> Tensor {
        elementwise { max($0, 0) } derivative: { _, y in y > 0 ? 1 : 0 }
    }

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
