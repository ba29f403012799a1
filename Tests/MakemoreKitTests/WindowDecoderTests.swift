import Testing
@testable import MakemoreKit

/// The window models' decoder (`WindowDecoder`: each slot's last `contextLength` tokens, all the
/// slots of a step scored in one call) against whole-word scoring, for every window model.
@Suite struct WindowDecoderTests {
    static let v = 6

    static func models() throws -> [any LanguageModel] {
        var generator = RandomGenerator(seed: 3)
        var mlp = MLPConfiguration(vocabularySize: v)
        mlp.hiddenSize = 12
        let trainingMLP = try MLP(configuration: mlp, using: &generator)  // left in training mode: BatchNorm must switch
        mlp.batchNorm = false
        mlp.contextLength = 5
        var wavenet = WaveNetConfiguration(vocabularySize: v)
        wavenet.hiddenSize = 10
        wavenet.embeddingDimensions = 4
        return [
            CountBigram(words: [[1, 2, 3], [3, 2, 5], [4, 1, 2]], vocabularySize: v, smoothing: 1),
            try NeuralBigram(vocabularySize: v, using: &generator),
            trainingMLP,
            try MLP(configuration: mlp, using: &generator),
            try WaveNet(configuration: wavenet, using: &generator),
        ]
    }

    @Test(arguments: 0..<5) func oneSlotMatchesWholeWordScoring(index: Int) throws {
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(try Self.models()[index])
    }

    @Test(arguments: 0..<5) func slotsAtDifferentPositionsMatchWholeWordScoring(index: Int) throws {
        ModelTesting.expectBatchDecoderMatchesTheFullForward(try Self.models()[index])
    }

    /// Sampling through the decoder draws exactly the words of rescoring each word anew.
    @Test(arguments: 0..<5) func samplesEqualRescoring(index: Int) throws {
        try Self.expectSamplesEqualRescoring(Self.models()[index])
    }

    static func expectSamplesEqualRescoring(_ model: some LanguageModel) throws {
        for options in [SamplingOptions(), SamplingOptions(temperature: 0.7, topK: 3, prefix: [2, 3])] {
            var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
            let reference = try Sampler.generate(ModelTesting.Rescored(model: model), count: 30, options: options, using: &a)
            #expect(try Sampler.generate(model, count: 30, options: options, using: &b) == reference)
        }
    }

    @Test func trainingModeIsRestoredAfterDecoding() throws {
        var generator = RandomGenerator(seed: 1)
        var configuration = MLPConfiguration(vocabularySize: Self.v)
        configuration.hiddenSize = 8
        let model = try MLP(configuration: configuration, using: &generator)
        let decoder = model.makeBatchDecoder(capacity: 2)
        _ = decoder.append([Vocabulary.boundary, Vocabulary.boundary], to: [0, 1])
        #expect(model.isTraining)
    }
}
