import Foundation
import Testing
@testable import MakemoreKit

@Suite struct MLPTests {
    static func small(_ change: (inout MLPConfiguration) -> Void = { _ in }) -> MLPConfiguration {
        var c = MLPConfiguration(vocabularySize: 27)
        c.embeddingDimensions = 4
        c.hiddenSize = 16
        change(&c)
        return c
    }

    @Test func namesFollowTheStateDictAndCountsMatchTheLecture() throws {
        var generator = RandomGenerator(seed: 1)
        let model = try MLP(configuration: MLPConfiguration(vocabularySize: 27), using: &generator)
        #expect(model.stateDict().map(\.name) == [
            "embedding.weight", "layers.0.weight", "layers.1.weight", "layers.1.bias", "layers.3.weight", "layers.3.bias",
            "layers.1.running_mean", "layers.1.running_var",
        ])
        #expect(model.parameterCount == 12_097)  // lecture part 3: C, W1 (no b1), BN γ β, W2, b2
        #expect(model.foldingBatchNorm().parameterCount == 11_897)  // = part 2's count: b1 is back
        var plain = MLPConfiguration(vocabularySize: 27)
        plain.batchNorm = false
        #expect(try MLP(configuration: plain, using: &generator).parameterCount == 11_897)
    }

    @Test func configurationCodesWithSnakeCaseKeys() throws {
        let c = Self.small { $0.initialization = .naive }
        let text = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        #expect(text.contains("\"hidden_layers\":1") && text.contains("\"batch_norm\":true") && text.contains("\"initialization\":\"naive\""))
        #expect(try JSONDecoder().decode(MLPConfiguration.self, from: Data(text.utf8)) == c)
    }

    /// Kaiming init with the output layer scaled down: the initial loss is ≈ ln V.
    @Test(arguments: [true, false])
    func kaimingInitialLossIsNearUniform(batchNorm: Bool) throws {
        var generator = RandomGenerator(seed: 3)
        var c = MLPConfiguration(vocabularySize: 27)
        c.batchNorm = batchNorm
        let model = try MLP(configuration: c, using: &generator)
        let examples = WindowExamples(words: ModelTesting.words(count: 200, seed: 4), contextLength: 3)
        let loss = Tensor.withoutGradient { model.loss(contexts: examples.contexts, targets: examples.targets).item }
        #expect(abs(Double(loss) - log(27.0)) < 0.05)
        let output = model.layers.layers.last as! Linear
        #expect(output.bias!.values.allSatisfy { $0 == 0 })
    }

    @Test func naiveInitSaturatesTanh() throws {
        var generator = RandomGenerator(seed: 3)
        let model = try MLP(configuration: Self.small { $0.initialization = .naive; $0.batchNorm = false }, using: &generator)
        let examples = WindowExamples(words: ModelTesting.words(count: 50, seed: 4), contextLength: 3)
        model.layers.recordsOutputs = true
        _ = Tensor.withoutGradient { model.logits(contexts: examples.contexts) }
        let h = model.layers.lastOutputs[1].values
        #expect(Float(h.filter { abs($0) > 0.97 }.count) / Float(h.count) > 0.5)
    }

    @Test func aShortRunLowersTheLossAndIsDeterministic() throws {
        try ModelTesting.expectShortRunLearnsDeterministically(Self.small { $0.vocabularySize = 4 }, as: MLP.self)
    }

    /// Folding each BatchNorm into the Linear before it leaves the eval-mode logits unchanged.
    @Test(arguments: [1, 3])
    func foldedAndUnfoldedLogitsAgree(layers: Int) throws {
        let words = ModelTesting.words(count: 100, seed: 5)
        let (model, _): (MLP, TrainingHistory) = try ModelTesting.train(Self.small { $0.hiddenLayers = layers }, words: words, seed: 2, steps: 60)
        ModelTesting.perturbBatchNorms(of: model.layers, seed: 6)
        let contexts = WindowExamples(words: words, contextLength: 3).contexts
        model.setTraining(false)
        let unfolded = Tensor.withoutGradient { model.logits(contexts: contexts).values }
        let folded = model.foldingBatchNorm()
        #expect(!folded.layers.layers.contains { $0 is BatchNorm1d })
        #expect(folded.namedBuffers().isEmpty)
        let foldedLogits = Tensor.withoutGradient { folded.logits(contexts: contexts).values }
        expectClose(foldedLogits, unfolded, tolerance: 1e-5)
        model.setTraining(true)
        expectClose(folded.logProbabilities(contexts: contexts), model.logProbabilities(contexts: contexts), tolerance: 1e-5)
    }

    @Test func evaluationUsesRunningStatisticsAndRestoresTrainingMode() throws {
        var generator = RandomGenerator(seed: 9)
        let model = try MLP(configuration: Self.small(), using: &generator)
        let contexts: [Int32] = [0, 0, 5]
        _ = model.logProbabilities(contexts: contexts)  // one row: impossible with batch statistics
        #expect(model.isTraining)
        #expect((model.layers.layers[1] as! BatchNorm1d).isTraining)
        #expect(model.layers.layers[1].namedBuffers()[0].tensor.values.allSatisfy { $0 == 0 })  // untouched
    }
}

@Suite struct BatchNormTests {
    /// The whole train-mode layer, gradient-checked through the layer (not just the op): x, γ, β.
    @Test func trainModeGradientsMatchFiniteDifferences() {
        let layer = BatchNorm1d(featureCount: 5)
        layer.weight.copy(from: [0.5, 1.5, -1, 2, 0.8])
        layer.bias.copy(from: [0.1, -0.2, 0.3, 0, 1])
        let x = randomTensor([8, 5], seed: 11)
        GradientCheck().expectCorrect([x, layer.weight, layer.bias]) { inputs in layer(inputs[0]) }
    }

    /// A (B, T, C) input normalises each channel over B·T values.
    @Test func threeDimensionalInputGradients() {
        let layer = BatchNorm1d(featureCount: 3)
        let x = randomTensor([4, 3, 3], seed: 12)
        GradientCheck().expectCorrect([x, layer.weight, layer.bias]) { inputs in layer(inputs[0]) }
    }

    @Test func trainModeOutputIsNormalisedAndRunningStatisticsConverge() {
        let layer = BatchNorm1d(featureCount: 2)
        var generator = RandomGenerator(seed: 13)
        var y: [Float] = []
        for _ in 0..<200 {
            let values = (0..<64).flatMap { _ in [Float(3 + 2 * generator.normal()), Float(-1 + 0.5 * generator.normal())] }
            y = layer(Tensor(shape: [64, 2], values: values)).values
        }
        let first = stride(from: 0, to: y.count, by: 2).map { y[$0] }
        let mean = first.reduce(0, +) / 64
        let variance = first.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64
        #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3)
        expectClose(layer.runningMean.values, [3, -1], tolerance: 0.15)
        expectClose(layer.runningVar.values, [4, 0.25], tolerance: 0.35)
    }
}
