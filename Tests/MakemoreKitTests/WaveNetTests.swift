import Foundation
import Testing
@testable import MakemoreKit

@Suite struct FlattenConsecutiveTests {
    @Test func mergesNeighboursAndSqueezesASingleStep() {
        let x = Tensor(shape: [2, 4, 3], values: (0..<24).map(Float.init))
        let pairs = FlattenConsecutive(2)(x)
        #expect(pairs.shape == [2, 2, 6])
        #expect(Array(pairs.values[0..<6]) == [0, 1, 2, 3, 4, 5])  // steps 0 and 1 of example 0, side by side
        #expect(Array(pairs.values[6..<12]) == [6, 7, 8, 9, 10, 11])
        #expect(FlattenConsecutive(2)(pairs).shape == [2, 12])  // T = 1 is squeezed, as in the lecture
        #expect(FlattenConsecutive(4)(x).shape == [2, 12])
    }

    /// A reshape, but checked like any op: ∂x must be ∂out in the same order.
    @Test(arguments: [[3, 4, 2], [2, 2, 5]])
    func gradientsMatchFiniteDifferences(shape: [Int]) {
        let x = randomTensor(shape, seed: 21)
        let weight = randomTensor([7, 2 * shape[2]], seed: 22)
        GradientCheck().expectCorrect([x, weight]) { inputs in
            linear(FlattenConsecutive(2)(inputs[0]), weight: inputs[1]).tanh()
        }
    }
}

@Suite struct WaveNetTests {
    static func small(context: Int = 8, _ change: (inout WaveNetConfiguration) -> Void = { _ in }) -> WaveNetConfiguration {
        var c = WaveNetConfiguration(vocabularySize: 27)
        c.contextLength = context
        c.embeddingDimensions = 4
        c.hiddenSize = 12
        change(&c)
        return c
    }

    @Test func lectureDefaultsHave76579ParametersUnderStateDictKeys() throws {
        var generator = RandomGenerator(seed: 1)
        let model = try WaveNet(configuration: WaveNetConfiguration(vocabularySize: 27), using: &generator)
        #expect(model.parameterCount == 76_579)  // lecture 5: 27·24 + 48·128 + 2·(256·128) + 3·2·128 + 128·27 + 27
        #expect(model.stateDict().map(\.name) == [
            "embedding.weight", "layers.1.weight", "layers.2.weight", "layers.2.bias", "layers.5.weight", "layers.6.weight", "layers.6.bias",
            "layers.9.weight", "layers.10.weight", "layers.10.bias", "layers.12.weight", "layers.12.bias",
            "layers.2.running_mean", "layers.2.running_var", "layers.6.running_mean", "layers.6.running_var",
            "layers.10.running_mean", "layers.10.running_var",
        ])
        #expect(model.stateDict().map(\.tensor.shape) == [
            [27, 24], [128, 48], [128], [128], [128, 256], [128], [128], [128, 256], [128], [128], [27, 128], [27],
            [128], [128], [128], [128], [128], [128],
        ])
        #expect(model.foldingBatchNorm().parameterCount == 76_579 - 3 * 128)  // γ, β out, one bias in per level
    }

    @Test(arguments: [(2, 1), (4, 2), (16, 4)])
    func levelsAreLog2OfTheContext(context: Int, levels: Int) throws {
        var generator = RandomGenerator(seed: 2)
        let model = try WaveNet(configuration: Self.small(context: context), using: &generator)
        #expect(model.configuration.levels == levels)
        #expect(model.layers.layers.count(where: { $0 is FlattenConsecutive }) == levels)
        let contexts = (0..<(3 * context)).map { Int32($0 % 27) }
        #expect(model.logits(contexts: contexts).shape == [3, 27])
        #expect(!WaveNetConfiguration.isValidContextLength(context + 3) && !WaveNetConfiguration.isValidContextLength(1))
    }

    /// On (B, T, C) each channel is normalised over all B·T rows, not per time step: the lecture's
    /// fix (`dim=(0, 1)`), and the running statistics see the same B·T rows.
    @Test func batchNormNormalisesOverBatchAndTime() {
        let (b, t, c) = (5, 4, 3)
        var generator = RandomGenerator(seed: 14)
        // Channel means that differ by time step, so per-step normalisation would differ.
        let values = (0..<(b * t * c)).map { i in Float(generator.normal()) + Float((i / c) % t) * 2 + Float(i % c) }
        let layer = BatchNorm1d(featureCount: c)
        let y = layer(Tensor(shape: [b, t, c], values: values)).values
        let n = Double(b * t)
        for channel in 0..<c {
            let xs = stride(from: channel, to: values.count, by: c).map { Double(values[$0]) }
            let ys = stride(from: channel, to: y.count, by: c).map { Double(y[$0]) }
            let mean = xs.reduce(0, +) / n
            let biased = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
            #expect(abs(ys.reduce(0, +) / n) < 1e-5)
            #expect(abs(ys.map { $0 * $0 }.reduce(0, +) / n - biased / (biased + 1e-5)) < 1e-4)
            #expect(abs(Double(layer.runningMean.values[channel]) - 0.1 * mean) < 1e-5)
            #expect(abs(Double(layer.runningVar.values[channel]) - (0.9 + 0.1 * biased * n / (n - 1))) < 1e-4)
            // Time step 0 alone is not centred: the statistics are shared across time.
            let firstStep = (0..<b).map { ys[$0 * t] }
            #expect(firstStep.reduce(0, +) / Double(b) < -0.5)
        }
    }

    /// Lecture init (output layer ×0.1): the initial loss ≈ ln V.
    @Test func initialLossIsNearUniform() throws {
        var generator = RandomGenerator(seed: 3)
        let model = try WaveNet(configuration: WaveNetConfiguration(vocabularySize: 27), using: &generator)
        let examples = WindowExamples(words: ModelTesting.words(count: 80, seed: 4), contextLength: 8)
        let loss = Tensor.withoutGradient { model.loss(contexts: examples.contexts, targets: examples.targets).item }
        #expect(abs(Double(loss) - log(27.0)) < 0.05)
    }

    /// Every parameter of a whole two-level model, gradient-checked end to end in train mode.
    @Test func modelGradientsMatchFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 15)
        let model = try WaveNet(configuration: Self.small(context: 4) { $0.vocabularySize = 5; $0.hiddenSize = 3; $0.embeddingDimensions = 2 },
                            using: &generator)
        let contexts: [Int32] = [0, 0, 1, 2, 1, 2, 3, 4, 4, 3, 2, 0, 0, 1, 1, 4]
        let targets: [Int32] = [3, 4, 0, 2]
        GradientCheck().expectCorrect(model.parameters) { _ in model.loss(contexts: contexts, targets: targets) }
    }

    @Test func aShortRunLowersTheLossAndIsDeterministic() throws {
        try ModelTesting.expectShortRunLearnsDeterministically(Self.small(context: 4) { $0.vocabularySize = 4 }, as: WaveNet.self)
    }

    @Test func foldedAndUnfoldedLogitsAgree() throws {
        let words = ModelTesting.words(count: 100, seed: 5)
        let (model, _): (WaveNet, TrainingHistory) = try ModelTesting.train(Self.small(), words: words, seed: 2, steps: 40)
        ModelTesting.perturbBatchNorms(of: model.layers, seed: 6)
        let contexts = WindowExamples(words: words, contextLength: 8).contexts
        model.setTraining(false)
        let unfolded = Tensor.withoutGradient { model.logits(contexts: contexts).values }
        let folded = model.foldingBatchNorm()
        #expect(!folded.layers.layers.contains { $0 is BatchNorm1d } && folded.namedBuffers().isEmpty)
        #expect(!folded.configuration.batchNorm)
        expectClose(Tensor.withoutGradient { folded.logits(contexts: contexts).values }, unfolded, tolerance: 1e-5)
    }

    /// Calibration sets each BatchNorm's running statistics to the exact whole-set statistics of
    /// its input (what train mode would compute on one batch of everything), however it is chunked.
    @Test func calibrationComputesWholeSetStatistics() throws {
        let words = ModelTesting.words(count: 40, seed: 16)
        let (model, _): (WaveNet, TrainingHistory) = try ModelTesting.train(Self.small(context: 4), words: words, seed: 3, steps: 20)
        let contexts = WindowExamples(words: words, contextLength: 4).contexts
        let first = model.layers.layers[2] as! BatchNorm1d
        let input = Tensor.withoutGradient { model.layers.layers[1](model.layers.layers[0](model.embedding(contexts, shape: [contexts.count / 4, 4]))) }
        let exact = batchNorm(input, gamma: first.weight, beta: first.bias)
        model.calibrateBatchNorm(contexts: contexts, rowsPerChunk: 7)
        #expect(!model.isTraining)
        expectClose(first.runningMean.values, exact.mean.values, tolerance: 1e-5)
        expectClose(first.runningVar.values, exact.unbiasedVariance, tolerance: 1e-4)
        let chunked = model.stateDict().map(\.tensor.values)
        model.calibrateBatchNorm(contexts: contexts)
        for (a, b) in zip(chunked, model.stateDict().map(\.tensor.values)) { expectClose(a, b, tolerance: 1e-5) }
    }

    @Test func checkpointRoundTripGivesIdenticalLogits() throws {
        let vocabulary = Vocabulary(words: ["abc", "cab"])
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        var generator = RandomGenerator(seed: 4)
        let model = try WaveNet(configuration: Self.small(context: 4) { $0.vocabularySize = vocabulary.size }, using: &generator)
        _ = model.loss(contexts: (0..<32).map { Int32($0 % 4) }, targets: (0..<8).map { Int32($0 % 4) })  // moves the running statistics
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wavenet-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 1, valLoss: nil).write(to: path)
        let checkpoint = try Checkpoint.read(path: path)
        #expect(checkpoint.kind == "wavenet")
        let restored = try #require(try StageRegistry.restoreModel(checkpoint, source: path) as? WaveNet)
        #expect(restored.configuration == model.configuration)
        #expect(try SafetensorsFile.read(path: path).tensors.map(\.name).contains("layers.6.running_var"))
        model.setTraining(false)
        let contexts: [Int32] = [0, 0, 1, 2, 3, 1, 2, 0]
        #expect(Tensor.withoutGradient { restored.logits(contexts: contexts).values } == Tensor.withoutGradient { model.logits(contexts: contexts).values })
    }
}
