import Foundation
import Testing
@testable import MakemoreKit

@Suite struct NeuralBigramTests {
    let words: [[Int32]] = [[1, 2], [2, 1, 1], [1], [2, 2, 1], [1, 1, 2]]

    func train(seed: UInt64, steps: Int, optimizer: OptimizerKind = .adam, lr: Double = 0.3, l2: Float = 0) throws -> (NeuralBigram, TrainingHistory) {
        var generator = RandomGenerator(seed: seed)
        let model = try NeuralBigram(vocabularySize: 3, using: &generator)
        let examples = WindowExamples(words: words, contextLength: 1)
        let history = try TrainingLoop(steps: steps, learningRate: lr).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: optimizer)),
            loss: { _ in model.loss(contexts: examples.contexts, targets: examples.targets, l2: l2) })
        return (model, history)
    }

    /// Without a penalty, gradient descent reaches the closed-form optimum: the unsmoothed count
    /// model's NLL on the same words.
    /// Issue 22, class 18: the estimate counts the initial loss's pass over every training
    /// pair (whatever the batch), the penalty's W² and its gradient, and the report's count
    /// bigram, so a wide vocabulary is refused before it allocates.
    @Test func theMemoryEstimateCountsEveryBuffer() throws {
        let dataset = try StageTests.dataset()
        let v = Double(dataset.vocabulary.size), pairs = Double(dataset.train.reduce(0) { $0 + $1.count + 1 })
        var training = StageKind.neuralBigram.defaultTraining
        training.batchSize = 1
        let estimate = try #require(try Stage(.neuralBigram(l2: 0.01), dataset: dataset, seed: 1).memoryEstimate(training))
        #expect(estimate.stateElements == v * v)
        #expect(estimate.activationElements >= pairs * 2 * v + 5 * v * v)
    }

    @Test func reachesTheCountModelOptimum() throws {
        let (model, _) = try train(seed: 1, steps: 400)
        let optimum = try #require(Evaluator.evaluate(CountBigram(words: words, vocabularySize: 3, smoothing: 0), words: words)).nll
        let reached = try #require(Evaluator.evaluate(model, words: words)).nll
        #expect(reached - optimum < 5e-3)
        #expect(reached >= optimum - 1e-6)
    }

    /// Initial loss of N(0, 1) logits: above ln V, by roughly the logits' spread.
    @Test func initialLossIsNearUniformPlusExcess() throws {
        var generator = RandomGenerator(seed: 5)
        let model = try NeuralBigram(vocabularySize: 27, using: &generator)
        let examples = WindowExamples(words: (0..<300).map { _ in (0..<6).map { _ in Int32(generator.integer(below: 26) + 1) } }, contextLength: 1)
        let loss = model.loss(contexts: examples.contexts, targets: examples.targets, l2: 0).item
        #expect(loss > Float(log(27.0)) && loss < Float(log(27.0)) + 1.2)
    }

    @Test func theL2PenaltyAddsMeanSquare() throws {
        var generator = RandomGenerator(seed: 2)
        let model = try NeuralBigram(vocabularySize: 3, using: &generator)
        let plain = model.loss(contexts: [0], targets: [1], l2: 0).item
        let penalised = model.loss(contexts: [0], targets: [1], l2: 0.5).item
        let meanSquare = model.weight.values.map { $0 * $0 }.reduce(0, +) / 9
        #expect(abs(penalised - plain - 0.5 * meanSquare) < 1e-5)
    }

    @Test func aWholeRunIsDeterministicUnderASeed() throws {
        let (a, historyA) = try train(seed: 9, steps: 30, optimizer: .sgd, lr: 5, l2: 0.01)
        let (b, historyB) = try train(seed: 9, steps: 30, optimizer: .sgd, lr: 5, l2: 0.01)
        let (c, _) = try train(seed: 10, steps: 30, optimizer: .sgd, lr: 5, l2: 0.01)
        #expect(historyA.losses == historyB.losses)
        #expect(a.weight.values == b.weight.values)
        #expect(a.weight.values != c.weight.values)
    }

    @Test func divergenceStopsWithTheStep() throws {
        #expect(throws: MakemoreError.self) { try train(seed: 1, steps: 50, optimizer: .sgd, lr: 1e30, l2: 1) }
    }
}

@Suite struct LayerTests {
    @Test func batchNormRunningStatisticsFollowPyTorch() {
        let layer = BatchNorm1d(featureCount: 2, momentum: 0.1)
        let x = Tensor(shape: [4, 2], values: [1, 10, 2, 20, 3, 30, 4, 40])
        _ = layer(x)
        // Batch means (2.5, 25); unbiased variances (1.6667, 166.67).
        #expect(zip(layer.runningMean.values, [0.25, 2.5]).allSatisfy { abs($0 - $1) < 1e-5 })
        let expectedVariance: [Float] = [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 500 / 3]
        #expect(zip(layer.runningVar.values, expectedVariance).allSatisfy { abs($0 - $1) < 1e-4 })
        layer.setTraining(false)
        let y = Tensor.withoutGradient { layer(x) }.values
        let mean = layer.runningMean.values, variance = layer.runningVar.values
        for i in 0..<8 {
            let expected = (x.values[i] - mean[i % 2]) / (variance[i % 2] + 1e-5).squareRoot()
            #expect(abs(y[i] - expected) < 1e-4)
        }
    }

    @Test func sequentialNamesFollowTheStateDict() {
        var generator = RandomGenerator(seed: 1)
        let model = Sequential([Linear(inputCount: 3, outputCount: 4, bias: false, using: &generator), BatchNorm1d(featureCount: 4), Tanh(),
                                Linear(inputCount: 4, outputCount: 2, using: &generator)])
        #expect(model.stateDict().map(\.name) == ["0.weight", "1.weight", "1.bias", "3.weight", "3.bias", "1.running_mean", "1.running_var"])
        #expect(model.parameterCount == 12 + 8 + 10)
    }

    @Test func kaimingInitHasTheRightSpread() {
        var generator = RandomGenerator(seed: 3)
        let layer = Linear(inputCount: 100, outputCount: 200, initialization: .kaiming(gain: 5.0 / 3), using: &generator)
        let w = layer.weight.values
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        #expect(abs(std - (5.0 / 3) / 10) < 0.005)
        #expect(layer.bias!.values.allSatisfy { $0 == 0 })
    }
}
