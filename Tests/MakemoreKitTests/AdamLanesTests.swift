import Foundation
import Testing
@testable import MakemoreKit

/// The 16-lane AdamW update against the textbook formula element by element, over a length
/// with both full lanes and a scalar tail.
@Suite struct AdamLanesTests {
    @Test func vectorAndTailMatchTheFormula() {
        let n = 37
        var g = RandomGenerator(seed: 2)
        var w = (0..<n).map { _ in Float(g.normal()) }, grad = (0..<n).map { _ in Float(g.normal()) }
        var m = (0..<n).map { _ in Float(g.normal()) * 0.1 }, v = (0..<n).map { _ in Float(g.uniform()) * 0.1 }
        let (lr, b1, b2, eps, wd, t): (Float, Float, Float, Float, Float, Int) = (1e-2, 0.9, 0.99, 1e-8, 0.1, 3)
        var expected = w
        for i in 0..<n {
            let mi = b1 * m[i] + (1 - b1) * grad[i], vi = b2 * v[i] + (1 - b2) * grad[i] * grad[i]
            let mHat = mi / Float(1 - pow(Double(b1), Double(t))), vHat = vi / Float(1 - pow(Double(b2), Double(t)))
            expected[i] = w[i] - lr * (mHat / (vHat.squareRoot() + eps) + wd * w[i])
        }
        OptimizerKernels.adam(&w, &grad, &m, &v, n: n, step: t, lr: lr, beta1: b1, beta2: b2, eps: eps,
                              weightDecay: wd, decoupled: true)
        expectClose(w, expected, tolerance: 1e-6)
    }
}
