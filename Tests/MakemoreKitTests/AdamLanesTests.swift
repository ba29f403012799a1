import Foundation
import Testing
import MakemoreKernels
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

/// One tensor's counters: each span increments only its own range (if two spans overlapped,
/// the test would see a 2 or a lost increment, which is what it checks).
private struct Counters: @unchecked Sendable {
    let value: UnsafeMutablePointer<Int32>
}

/// Element-wise passes split across the cores: every element once, and the same update as one
/// pass over each tensor.
@Suite struct ParallelSpanTests {
    @Test func spansCoverEveryElementOnce() {
        let counts = [70_000, 0, 5, 131_072, 17]
        let buffers = counts.map { Counters(value: UnsafeMutablePointer<Int32>.allocate(capacity: max($0, 1))) }
        defer { buffers.forEach { $0.value.deallocate() } }
        for (buffer, count) in zip(buffers, counts) { buffer.value.initialize(repeating: 0, count: count) }
        Parallel.forEachSpan(counts: counts) { tensor, range in
            for j in range { buffers[tensor].value[j] += 1 }
        }
        #expect(zip(buffers, counts).allSatisfy { buffer, count in (0..<count).allSatisfy { buffer.value[$0] == 1 } })
    }

    @Test func optimizerStepOverSpansEqualsOnePassPerTensor() {
        var g = RandomGenerator(seed: 4)
        let shapes = [[300, 400], [7], [100_001]]
        let parameters = shapes.map { Tensor.normal(shape: $0, requiresGrad: true, using: &g) }
        for p in parameters { p.accumulateGrad((0..<p.count).map { _ in Float(g.normal()) }) }
        var expected = parameters.map(\.values)
        var m = parameters.map { [Float](repeating: 0, count: $0.count) }, v = m
        for (i, p) in parameters.enumerated() {
            let grad = p.gradValues!
            OptimizerKernels.adam(&expected[i], grad, &m[i], &v[i], n: p.count, step: 1, lr: 1e-2, beta1: 0.9,
                                  beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decoupled: true)
        }
        var configuration = OptimizerConfiguration(kind: .adamw, weightDecay: 0.1)
        configuration.beta2 = 0.99
        Optimizer(parameters: parameters, configuration: configuration).step(learningRate: 1e-2)
        #expect(parameters.map(\.values) == expected)
    }
}
