import Testing
import MakemoreKernels
@testable import MakemoreKit

/// Two steps from w = 1 with gradients 0.5 then −1, against values worked out by hand
/// (the formulas evaluated in Double, printed to 16 digits).
@Suite struct OptimizerKernelTests {
    let gradients: [Float] = [0.5, -1.0]

    func run(_ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Float {
        var w: [Float] = [1], s1: [Float] = [0], s2: [Float] = [0]
        for (t, g) in gradients.enumerated() {
            var gradient = [g]
            w.withUnsafeMutableBufferPointer { w in
                gradient.withUnsafeMutableBufferPointer { g in
                    s1.withUnsafeMutableBufferPointer { s1 in
                        s2.withUnsafeMutableBufferPointer { s2 in
                            update(w.baseAddress!, UnsafePointer(g.baseAddress!), s1.baseAddress!, s2.baseAddress!, t + 1)
                        }
                    }
                }
            }
        }
        return w[0]
    }

    @Test func sgd() {
        // 1 − 0.1·(0.5 + 0.01·1) = 0.949, then 0.949 − 0.1·(−1 + 0.01·0.949) = 1.0480510
        let w = run { w, g, _, _, _ in OptimizerKernels.sgd(w, g, n: 1, lr: 0.1, weightDecay: 0.01) }
        #expect(abs(w - 1.048051) < 1e-6)
    }

    @Test func momentum() {
        // b = 0.5, w = 0.95; b = 0.45 − 1 = −0.55, w = 1.005
        let w = run { w, g, b, _, _ in OptimizerKernels.momentum(w, g, b, n: 1, lr: 0.1, momentum: 0.9, weightDecay: 0) }
        #expect(abs(w - 1.005) < 1e-6)
    }

    @Test func adagrad() {
        let w = run { w, g, s, _, _ in OptimizerKernels.adagrad(w, g, s, n: 1, lr: 0.1, eps: 1e-10, weightDecay: 0) }
        #expect(abs(w - 0.9894427191119917) < 1e-6)
    }

    @Test func rmsprop() {
        let w = run { w, g, s, _, _ in OptimizerKernels.rmsprop(w, g, s, n: 1, lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0) }
        #expect(abs(w - 0.9895323081911337) < 1e-6)
    }

    @Test func adamWithBiasCorrection() {
        let w = run { w, g, m, v, t in
            OptimizerKernels.adam(w, g, m, v, n: 1, step: t, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false)
        }
        #expect(abs(w - 0.9366103542405653) < 1e-6)
    }

    @Test func adamWDecaysDecoupled() {
        let w = run { w, g, m, v, t in
            OptimizerKernels.adam(w, g, m, v, n: 1, step: t, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true)
        }
        #expect(abs(w - 0.9347113542385652) < 1e-6)
    }
}

@Suite struct WeightDecayScopeTests {
    /// AdamW with zero gradients only decays: w ← w − lr·λ·w.
    @Test(arguments: [false, true])
    func matricesOnlySparesVectors(matricesOnly: Bool) {
        let matrix = Tensor(shape: [2, 2], values: [1, 1, 1, 1], requiresGrad: true)
        let vector = Tensor(shape: [2], values: [1, 1], requiresGrad: true)
        var configuration = OptimizerConfiguration(kind: .adamw, weightDecay: 0.5)
        configuration.decaysMatricesOnly = matricesOnly
        let optimizer = Optimizer(parameters: [matrix, vector], configuration: configuration)
        _ = (matrix.gradData, vector.gradData)  // zero gradients
        optimizer.step(learningRate: 0.1)
        #expect(matrix.values.allSatisfy { abs($0 - 0.95) < 1e-6 })
        #expect(vector.values.allSatisfy { abs($0 - (matricesOnly ? 1 : 0.95)) < 1e-6 })
    }
}

@Suite struct ScheduleTests {
    @Test func stepDecay() {
        let schedule = LearningRateSchedule(.step, steps: 200_000)
        #expect(schedule.rate(at: 99_999, base: 0.1) == 0.1)
        #expect(abs(schedule.rate(at: 100_000, base: 0.1) - 0.01) < 1e-12)
    }

    @Test func cosineWithWarmup() {
        let schedule = LearningRateSchedule.cosine(warmup: 10, total: 110, minimumFactor: 0.1)
        #expect(abs(schedule.rate(at: 0, base: 1) - 0.1) < 1e-12)
        #expect(abs(schedule.rate(at: 9, base: 1) - 1) < 1e-12)
        #expect(abs(schedule.rate(at: 60, base: 1) - 0.55) < 1e-12)
        #expect(abs(schedule.rate(at: 110, base: 1) - 0.1) < 1e-12)
        #expect(LearningRateSchedule(.constant, steps: 5).rate(at: 4, base: 3) == 3)
        #expect(LearningRateSchedule.Kind(rawValue: "wobbly") == nil)
    }
}
