import Testing
@testable import MakemoreKit

@Suite struct ExponentialMovingAverageTests {
    @Test func startsAtTheFirstValuesAndDecays() {
        let parameter = Tensor(shape: [2], values: [0, 0])
        let average = ExponentialMovingAverage(parameters: [parameter], decay: 0.5)
        for value: [Float] in [[4, 0], [0, 8], [2, 2]] {
            parameter.copy(from: value)
            average.accumulate()
        }
        average.swap()
        // 4 → 0.5·4 + 0.5·0 = 2 → 0.5·2 + 0.5·2 = 2;  0 → 0.5·0 + 0.5·8 = 4 → 0.5·4 + 0.5·2 = 3
        #expect(parameter.values == [2, 3])
        average.swap()
        #expect(parameter.values == [2, 2])
    }

    @Test func swapBeforeAnyStepLeavesTheParameters() {
        let parameter = Tensor(shape: [2], values: [1, 2])
        ExponentialMovingAverage(parameters: [parameter], decay: 0.9).swap()
        #expect(parameter.values == [1, 2])
    }

    /// SGD on w² with lr 0.25 halves w each step: 8 → 4 → 2 → 1 → 0.5. With decay 0.5 the
    /// average after each step is 4, 3, 2, 1.25; evaluations (after steps 2 and 4) see the
    /// average while training goes on from the raw weights, and the run ends with the average.
    @Test func theLoopEvaluatesAndEndsWithTheAverage() throws {
        let w = Tensor(shape: [1], values: [8], requiresGrad: true)
        let loop = TrainingLoop(steps: 4, learningRate: 0.25, evaluateEvery: 2)
        var seen: [Float] = [], raw: [Float] = []
        _ = try loop.run(optimizer: Optimizer(parameters: [w], configuration: OptimizerConfiguration(kind: .sgd)),
                         average: ExponentialMovingAverage(parameters: [w], decay: 0.5),
                         loss: { _ in raw.append(w.item); return (w * w).sum() },
                         evaluate: { seen.append(w.item); return 0 })
        #expect(raw == [8, 4, 2, 1])
        #expect(seen == [3, 1.25])
        #expect(w.item == 1.25)
    }
}
