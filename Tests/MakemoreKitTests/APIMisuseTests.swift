import Foundation
import Testing
@testable import MakemoreKit

/// Every public entry point called as a careless or hostile Swift caller would: out-of-range,
/// zero, negative, NaN and huge values. Each must throw a `MakemoreError` (a trap would end the
/// test process), and a wrong value must never be silently accepted.
@Suite struct APIMisuseTests {
    static func stage(_ configuration: StageConfiguration = .mlp(MLPConfiguration())) throws -> Stage {
        try Stage(configuration, dataset: StageTests.dataset(), seed: 1)
    }

    static let training = TrainingConfiguration(steps: 2, learningRate: 0.01, batchSize: 8)

    /// `training` with one value changed.
    static func training(_ change: (inout TrainingConfiguration) -> Void) -> TrainingConfiguration {
        var c = training
        change(&c)
        return c
    }

    @Test func samplingRefusesBadCountsOptionsAndPrefixes() throws {
        let stage = try Self.stage()
        #expect(throws: MakemoreError.self) { try stage.sample(count: -1) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 100_000_000) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(batchSize: 0)) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(maximumLength: 0)) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(prefix: [99])) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(prefix: [-1])) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(temperature: -1)) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(temperature: .nan)) }
        #expect(throws: MakemoreError.self) { try stage.sample(count: 2, options: SamplingOptions(topK: -3)) }
        #expect(throws: MakemoreError.self) { try stage.samplingOptions(temperature: -1) }
        #expect(throws: MakemoreError.self) { try stage.samplingOptions(topK: 0) }
        #expect(throws: MakemoreError.self) { try stage.samplingOptions(prefix: "Q") }
        var generator = RandomGenerator(seed: 1)
        #expect(throws: MakemoreError.self) { try stage.sampleWhileTraining(count: -5, using: &generator) }
    }

    @Test func trainingRefusesEveryValueOutOfRange() throws {
        let stage = try Self.stage()
        let bad: [(String, TrainingConfiguration)] = [
            ("steps -1", Self.training { $0.steps = -1 }),
            ("steps huge", Self.training { $0.steps = Int.max }),
            ("lr -1", Self.training { $0.learningRate = -1 }),
            ("lr NaN", Self.training { $0.learningRate = .nan }),
            ("lr inf", Self.training { $0.learningRate = .infinity }),
            ("warm-up -1", Self.training { $0.warmup = -1 }),
            ("decay step -1", Self.training { $0.decayAt = -1 }),
            ("batch 0", Self.training { $0.batchSize = 0 }),
            ("batch -1", Self.training { $0.batchSize = -1 }),
            ("evaluate every 0", Self.training { $0.evaluateEvery = 0 }),
            ("ema 2", Self.training { $0.ema = 2 }),
            ("ema NaN", Self.training { $0.ema = .nan }),
            ("ema -0.5", Self.training { $0.ema = -0.5 }),
            ("1000 threads", Self.training { $0.threads = 1000 }),
            ("0 threads", Self.training { $0.threads = 0 }),
            ("weight decay NaN", Self.training { $0.optimizer.weightDecay = .nan }),
            ("beta1 1", Self.training { $0.optimizer.beta1 = 1 }),
            ("eps 0", Self.training { $0.optimizer.eps = 0 }),
            ("diagnostics every 0", Self.training { $0.diagnosticsEvery = 0 }),
        ]
        for (name, training) in bad {
            #expect(throws: MakemoreError.self, "\(name)") { try stage.train(training) }
            #expect(throws: MakemoreError.self, "\(name)") { try training.validate() }
        }
        #expect(throws: MakemoreError.self) { try stage.train(Self.training, stopAt: -1) }
        #expect(throws: MakemoreError.self) { try stage.train(Self.training, stopAt: 0) }
        #expect(stage.step == 0, "a refused run trains nothing")
    }

    @Test func theTransformerRefusesABatchOfZeroAndTheWholeTrainingSet() throws {
        let stage = try Self.stage(.transformer(TransformerConfiguration(layers: 1, heads: 2, embedding: 8)))
        #expect(throws: MakemoreError.self) { try stage.train(Self.training { $0.batchSize = 0 }) }
        #expect(throws: MakemoreError.self) { try stage.train(Self.training { $0.batchSize = nil }) }
    }

    @Test func theLearningRateFinderRefusesBadSweeps() throws {
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: 0, maximum: 1, steps: 10) }
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: 1, maximum: 0.1, steps: 10) }
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: 0.1, maximum: 0.1, steps: 10) }
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: 0.01, maximum: 1, steps: 0) }
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: .nan, maximum: 1, steps: 10) }
        #expect(throws: MakemoreError.self) { try LearningRateFinder(minimum: 0.01, maximum: .infinity, steps: 10) }
        #expect(throws: MakemoreError.self) { try LearningRateSweep(rates: [0.1, 0.2], losses: [3]) }
        #expect(throws: MakemoreError.self) { try LearningRateSweep(rates: [0, 0.1], losses: [3, 2]) }
        #expect(throws: MakemoreError.self) { try LearningRateSweep(rates: [-1, .nan], losses: [3, 2]) }
        let stage = try Self.stage()
        #expect(throws: MakemoreError.self) { try stage.findLearningRate(LearningRateFinder(steps: 4), training: Self.training { $0.batchSize = 0 }) }
    }

    @Test func modelsAndStagesRefuseConfigurationsTheyCannotBuild() throws {
        var generator = RandomGenerator(seed: 1)
        var mlp = MLPConfiguration(vocabularySize: 27)
        mlp.contextLength = 0
        #expect(throws: MakemoreError.self) { try MLP(configuration: mlp, using: &generator) }
        mlp.contextLength = 3
        mlp.hiddenSize = -4
        #expect(throws: MakemoreError.self) { try MLP(configuration: mlp, using: &generator) }
        #expect(throws: MakemoreError.self) { try MLP(configuration: MLPConfiguration(vocabularySize: 1), using: &generator) }
        #expect(throws: MakemoreError.self) {
            try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 8, heads: 3, embedding: 64), using: &generator)
        }
        #expect(throws: MakemoreError.self) {
            try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 8, dropout: .nan), using: &generator)
        }
        var wavenet = WaveNetConfiguration(vocabularySize: 27)
        wavenet.contextLength = 6
        #expect(throws: MakemoreError.self) { try WaveNet(configuration: wavenet, using: &generator) }
        #expect(throws: MakemoreError.self) { try GRU(configuration: SequenceModelConfiguration(vocabularySize: 27, blockSize: 0), using: &generator) }
        #expect(throws: MakemoreError.self) { try RNN(configuration: SequenceModelConfiguration(vocabularySize: 27, blockSize: 9, embedding: 0), using: &generator) }
        #expect(throws: MakemoreError.self) { try NeuralBigram(vocabularySize: 0, using: &generator) }
        #expect(throws: MakemoreError.self) { try Self.stage(.neuralBigram(l2: .nan)) }
        #expect(throws: MakemoreError.self) { try Self.stage(.neuralBigram(l2: -1)) }
        #expect(throws: MakemoreError.self) { try Self.stage(.bigram(smoothing: -1)) }
        #expect(throws: MakemoreError.self) { try Self.stage(.bigram(smoothing: .infinity)) }
        #expect(throws: MakemoreError.self) { try Self.stage(.transformer(TransformerConfiguration(heads: 3))) }
        #expect(throws: MakemoreError.self) { try Self.stage(.rnn(SequenceModelConfiguration(blockSize: 100_000))) }
        #expect(throws: MakemoreError.self) { try Self.stage(.mlp(MLPConfiguration(embeddingDimensions: -1))) }
    }

    @Test func anEmptyDatasetIsRefused() throws {
        let empty = try Dataset(split: DatasetSplit(train: [], val: [], test: []))
        for configuration in StageTests.configurations {
            #expect(throws: MakemoreError.self, "\(configuration.kind)") { try Stage(configuration, dataset: empty, seed: 1) }
        }
        #expect(throws: MakemoreError.self) { try DatasetSplit(shuffling: ["a", "b"], seed: 1, valFraction: .nan, testFraction: 0) }
        #expect(throws: MakemoreError.self) { try DatasetSplit(shuffling: ["a", "b"], seed: 1, valFraction: -0.1, testFraction: 0) }
        #expect(throws: MakemoreError.self) { try DatasetSplit(shuffling: [], seed: 1, valFraction: 0.1, testFraction: 0.1) }
    }

    @Test func theVocabularyRefusesTokensItDoesNotHave() throws {
        let vocabulary = Vocabulary(words: ["ab"])
        #expect(throws: MakemoreError.self) { try vocabulary.symbol(of: -1) }
        #expect(throws: MakemoreError.self) { try vocabulary.symbol(of: 3) }
        #expect(throws: MakemoreError.self) { try vocabulary.decode([1, 2, Int32.max]) }
        #expect(throws: MakemoreError.outsideVocabulary(name: "word", text: "abc", character: "c")) { try vocabulary.encode("abc") }
        #expect(try vocabulary.decode([1, 2, 0]) == "ab.")
    }

    @Test func scoringRefusesTokensOutsideTheVocabulary() throws {
        let stage = try Self.stage(.bigram())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("misuse-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try stage.save(to: path)
        let loaded = try LoadedModel(path: path, words: { stage.dataset.split }, heads: nil)
        #expect(throws: MakemoreError.self) { try loaded.score([[1, 99]], source: "test") }
        #expect(throws: MakemoreError.self) { try loaded.score([[-2]], source: "test") }
    }
}
