import Testing
@testable import MakemoreKit

@Suite struct ExponentialMovingAverageTests {
    /// A decay below the warm-up's (1 + t) / (10 + t) (2/11 after one step) is used as given.
    @Test func startsAtTheFirstValuesAndDecays() {
        let parameter = Tensor(shape: [2], values: [0, 0])
        let average = ExponentialMovingAverage(parameters: [parameter], decay: 0.1)
        for value: [Float] in [[4, 0], [0, 8], [2, 2]] {
            parameter.copy(from: value)
            average.accumulate()
        }
        average.swap()
        // 4 → 0.1·4 + 0.9·0 = 0.4 → 0.1·0.4 + 0.9·2 = 1.84;  0 → 0.1·0 + 0.9·8 = 7.2 → 0.1·7.2 + 0.9·2 = 2.52
        #expect(zip(parameter.values, [1.84, 2.52] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        average.swap()
        #expect(parameter.values == [2, 2])
    }

    /// The kept weight warms up as TensorFlow's: min(decay, (1 + t) / (10 + t)) after t steps,
    /// so a run with decay 0.99 keeps 2/11, 3/12, 4/13, … of its average per step, 0.99 from step 890.
    @Test func theDecayWarmsUp() {
        let parameter = Tensor(shape: [1], values: [0])
        let average = ExponentialMovingAverage(parameters: [parameter], decay: 0.99)
        var expected: Double = 0, kept: [Double] = []
        for t in 0..<1000 {
            kept.append(average.keptWeight)
            let value = Double(t % 7)
            parameter.copy(from: [Float(value)])
            average.accumulate()
            let d = t == 0 ? 0 : min(0.99, Double(1 + t) / Double(10 + t))
            expected = d * expected + (1 - d) * value
        }
        #expect(kept[0] == 0 && kept[1] == 2.0 / 11 && kept[2] == 3.0 / 12 && kept[999] == 0.99 && kept[400] == 401.0 / 410)
        average.swap()
        #expect(abs(Double(parameter.item) - expected) < 1e-4)
    }

    @Test func swapBeforeAnyStepLeavesTheParameters() {
        let parameter = Tensor(shape: [2], values: [1, 2])
        ExponentialMovingAverage(parameters: [parameter], decay: 0.9).swap()
        #expect(parameter.values == [1, 2])
    }

    /// SGD on w² with lr 0.25 halves w each step: 8 → 4 → 2 → 1 → 0.5. With decay 0.1 the
    /// average after each step is 4, 2.2, 1.12, 0.562; evaluations (after steps 2 and 4) see the
    /// average while training goes on from the raw weights, and the run ends with the average.
    @Test func theLoopEvaluatesAndEndsWithTheAverage() throws {
        let w = Tensor(shape: [1], values: [8], requiresGrad: true)
        let loop = TrainingLoop(steps: 4, learningRate: 0.25, evaluateEvery: 2)
        var seen: [Float] = [], raw: [Float] = []
        _ = try loop.run(optimizer: Optimizer(parameters: [w], configuration: OptimizerConfiguration(kind: .sgd)),
                         average: ExponentialMovingAverage(parameters: [w], decay: 0.1),
                         loss: { _ in raw.append(w.item); return (w * w).sum() },
                         evaluate: { seen.append(w.item); return 0 })
        #expect(raw == [8, 4, 2, 1])
        #expect(seen.count == 2 && abs(seen[0] - 2.2) < 1e-6 && abs(seen[1] - 0.562) < 1e-6)
        #expect(w.item == seen[1])
    }
}
