import Testing
@testable import MakemoreKit

/// Compares autograd gradients with central finite differences.
///
/// The function's output `out` is reduced to the scalar L = Σᵢ wᵢ·outᵢ with fixed random
/// weights wᵢ ~ N(0, 1) (so every output element and every Jacobian row matters), summed in
/// Double. Autograd gets ∂L/∂out = w via `backward(seed:)`. For each input element x, the
/// forward is re-run in Float (inside `withoutGradient`) at x ± h and
///     numeric = (L(x + h) − L(x − h)) / ((x + h) − (x − h)),
/// dividing by the step actually representable in Float.
///
/// Step and tolerance: h = 1e-2 on inputs of order 1. The truncation error is h²/6·|L'''|,
/// about 1e-5 for these smooth ops; Float rounding of the outputs adds roughly
/// √(#outputs)·6e-8/(2h) ≈ 1e-4 at a few hundred outputs. An element passes when
///     |analytic − numeric| ≤ 1e-3 + 5e-3·max(|analytic|, |numeric|).
/// Measured: every correct op in these tests stays below 4% of that bound, while a gradient
/// 2% too large exceeds it 3.4 times (`gradientCheckCatchesAWrongGradient`).
/// Inputs for ReLU must stay ≥ h away from its kink (see `awayFromZero`).
struct GradientCheck {
    struct Mismatch: CustomStringConvertible {
        let input: Int, element: Int
        let analytic: Double, numeric: Double
        var description: String { "input \(input)[\(element)]: autograd \(analytic), numeric \(numeric)" }
    }

    var step: Float = 1e-2
    var absoluteTolerance = 1e-3
    var relativeTolerance = 5e-3
    var seed: UInt64 = 12345

    /// Every element of every input that requires a gradient whose autograd gradient disagrees
    /// with the finite difference; also fails if some checked gradient is missing.
    func mismatches(_ inputs: [Tensor], _ function: ([Tensor]) -> Tensor) -> [Mismatch] {
        let out = function(inputs)
        var generator = RandomGenerator(seed: seed)
        let weights = (0..<out.count).map { _ in generator.normal() }
        func loss() -> Double {
            let values = Tensor.withoutGradient { function(inputs) }.values
            var total = 0.0
            for (w, v) in zip(weights, values) { total += w * Double(v) }
            return total
        }
        for input in inputs { input.releaseGrad() }
        out.backward(seed: weights.map { Float($0) })

        var result: [Mismatch] = []
        for (k, input) in inputs.enumerated() where input.requiresGrad {
            let analytic = input.gradValues ?? [Float](repeating: .nan, count: input.count)
            for i in 0..<input.count {
                let x = input.data[i]
                let up = x + step, down = x - step
                input.data[i] = up
                let lossUp = loss()
                input.data[i] = down
                let lossDown = loss()
                input.data[i] = x
                let numeric = (lossUp - lossDown) / Double(up - down)
                let a = Double(analytic[i])
                let error = abs(a - numeric)
                if !(error <= absoluteTolerance + relativeTolerance * max(abs(a), abs(numeric))) {
                    result.append(Mismatch(input: k, element: i, analytic: a, numeric: numeric))
                }
            }
        }
        return result
    }

    /// Records a test failure listing the first mismatches, if any.
    func expectCorrect(
        _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
        _ function: ([Tensor]) -> Tensor
    ) {
        let bad = mismatches(inputs, function)
        #expect(bad.isEmpty, "\(bad.count) gradient mismatches, e.g. \(bad.prefix(5))",
                sourceLocation: sourceLocation)
    }
}

/// A parameter-like random tensor, N(0, std²), that requires a gradient.
func randomTensor(_ shape: [Int], std: Float = 1, seed: UInt64, requiresGrad: Bool = true) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor.normal(shape: shape, std: std, requiresGrad: requiresGrad, using: &g)
}

/// Moves values within `margin` of 0 out to ±margin (keeps ReLU away from its kink).
func awayFromZero(_ t: Tensor, margin: Float = 0.1) -> Tensor {
    t.copy(from: t.values.map { abs($0) < margin ? ($0 < 0 ? -margin : margin) : $0 })
    return t
}

/// Element-wise closeness for value tests.
func expectClose(
    _ a: [Float], _ b: [Float], tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(a.count == b.count, "counts differ: \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst <= tolerance, "\(a) vs \(b)", sourceLocation: sourceLocation)
}
