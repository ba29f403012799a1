import Foundation
import Testing
@testable import MakemoreKit

/// RNN, GRU and bag-of-words models: makemore.py's keys and sizes, causality, decoding,
/// learning, determinism and checkpoints.
@Suite struct RecurrentModelTests {
    static func rnn(seed: UInt64 = 1) throws -> RNN {
        var g = RandomGenerator(seed: seed)
        return try RNN(configuration: SequenceModelConfiguration(vocabularySize: 5, blockSize: 10, embedding: 3, hidden: 4), using: &g)
    }

    static func gru(seed: UInt64 = 1) throws -> GRU {
        var g = RandomGenerator(seed: seed)
        return try GRU(configuration: SequenceModelConfiguration(vocabularySize: 5, blockSize: 10, embedding: 3, hidden: 4), using: &g)
    }

    static func bow(seed: UInt64 = 1) throws -> BagOfWords {
        var g = RandomGenerator(seed: seed)
        return try BagOfWords(configuration: SequenceModelConfiguration(vocabularySize: 5, blockSize: 10, embedding: 4, hidden: 6), using: &g)
    }

    @Test func defaultsHaveMakemoresParameterCountsAndKeys() throws {
        var g = RandomGenerator(seed: 1)
        let recurrent = SequenceModelConfiguration(vocabularySize: 27, blockSize: 16)
        let rnn = try RNN(configuration: recurrent, using: &g), gru = try GRU(configuration: recurrent, using: &g)
        let bow = try BagOfWords(configuration: SequenceModelConfiguration(vocabularySize: 27, blockSize: 16), using: &g)
        #expect(rnn.parameterCount == 11_803 && gru.parameterCount == 28_315 && bow.parameterCount == 12_827)
        for model in [rnn, gru, bow] as [any Module] {
            #expect(model.parameters.map(ObjectIdentifier.init) == model.namedParameters().map { ObjectIdentifier($0.tensor) })
        }
        #expect(rnn.namedParameters().map(\.name) == ["start", "wte.weight", "cell.xh_to_h.weight", "cell.xh_to_h.bias",
                                                      "lm_head.weight", "lm_head.bias"])
        #expect(gru.namedParameters().map(\.name) == ["start", "wte.weight", "cell.xh_to_z.weight", "cell.xh_to_z.bias",
                                                      "cell.xh_to_r.weight", "cell.xh_to_r.bias", "cell.xh_to_hbar.weight",
                                                      "cell.xh_to_hbar.bias", "lm_head.weight", "lm_head.bias"])
        #expect(bow.stateDict().map(\.name) == ["wte.weight", "wpe.weight", "context_block.mlp.c_fc.weight",
                                                "context_block.mlp.c_fc.bias", "context_block.mlp.c_proj.weight",
                                                "context_block.mlp.c_proj.bias", "lm_head.weight", "lm_head.bias",
                                                "context_block.cbow.bias"])
        let shapes = Dictionary(uniqueKeysWithValues: gru.namedParameters().map { ($0.name, $0.tensor.shape) })
        #expect(shapes["start"] == [1, 64] && shapes["cell.xh_to_hbar.weight"] == [64, 128] && shapes["lm_head.weight"] == [27, 64])
        #expect(rnn.start.values.allSatisfy { $0 == 0 } && rnn.cell.inputAndHidden.weight.values.allSatisfy { abs($0) <= 1 / Float(128).squareRoot() })
    }

    @Test func configurationsUseMakemoresNames() throws {
        let json = String(decoding: try JSONEncoder().encode(SequenceModelConfiguration(vocabularySize: 27, blockSize: 16)), as: UTF8.self)
        for key in ["vocab_size", "block_size", "n_embd", "n_embd2"] { #expect(json.contains("\"\(key)\"")) }
        let bow = SequenceModelConfiguration(vocabularySize: 27, blockSize: 16, hidden: 32)
        #expect(try JSONDecoder().decode(SequenceModelConfiguration.self, from: JSONEncoder().encode(bow)) == bow)
    }

    /// A fresh RNN, GRU or bag-of-words model.
    static func model(_ index: Int) throws -> any LanguageModel { [try rnn(), try gru(), try bow()][index] }

    @Test(arguments: [0, 1, 2])
    func futureTokensNeverChangeEarlierLogits(model index: Int) throws {
        ModelTesting.expectCausal(try Self.model(index))
    }

    @Test(arguments: [0, 1, 2])
    func batchingMatchesScoringEachWordAlone(model index: Int) throws {
        let model = try Self.model(index)
        let words: [[Int32]] = [[1, 2], [], [3, 3, 3, 4, 2, 1, 4], [2], [4, 4]]
        expectClose(model.nextTokenLogProbabilities(words: words), words.flatMap { model.nextTokenLogProbabilities(words: [$0]) })
    }

    @Test(arguments: [0, 1, 2])
    func incrementalDecodingMatchesTheFullForwardAtEveryStep(model index: Int) throws {
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(try Self.model(index))
    }

    @Test(arguments: [0, 1, 2])
    func batchDecoderMatchesTheFullForwardForEverySlot(model index: Int) throws {
        ModelTesting.expectBatchDecoderMatchesTheFullForward(try Self.model(index))
    }

    @Test(arguments: [0, 1, 2])
    func batchedSamplingKeepsEachWordsSemantics(model index: Int) throws {
        let model = try Self.model(index)
        #expect(model.defaultSamplingBatchSize == 1)
        try ModelTesting.expectBatchedSamplingKeepsEachWordsSemantics(model)
    }

    @Test func wholeModelGradients() throws {
        let batch = PackedSequences(words: [[1, 2, 3], [4], [2, 1]])
        for model in [try Self.rnn(), try Self.gru()] as [any Module & LanguageModel] {
            let loss = { (model as? RNN)?.loss(batch) ?? (model as! GRU).loss(batch) }
            GradientCheck().expectCorrect(model.parameters) { _ in loss() }
        }
        let bow = try Self.bow()
        GradientCheck().expectCorrect(bow.parameters) { _ in bow.loss(batch) }
    }

    /// Trains on words of a deterministic toy language for 150 steps of AdamW.
    static func finalLoss<M: Module>(_ model: M, _ loss: (PackedSequences) -> Tensor) throws -> Float {
        let batch = PackedSequences(words: [[1, 2, 3, 1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3, 1, 2, 3]])
        var configuration = OptimizerConfiguration(kind: .adamw)
        configuration.beta2 = 0.99
        let history = try TrainingLoop(steps: 150, learningRate: 2e-2).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: configuration), loss: { _ in loss(batch) })
        return history.losses.last!
    }

    @Test func everyModelLearnsAToyLanguage() throws {
        var g = RandomGenerator(seed: 5)
        let recurrent = SequenceModelConfiguration(vocabularySize: 4, blockSize: 10, embedding: 8, hidden: 16)
        let rnn = try RNN(configuration: recurrent, using: &g), gru = try GRU(configuration: recurrent, using: &g)
        let bow = try BagOfWords(configuration: SequenceModelConfiguration(vocabularySize: 4, blockSize: 10, embedding: 16, hidden: 16), using: &g)
        // ln 4 = 1.386 at chance.
        #expect(try Self.finalLoss(rnn, rnn.loss) < 0.05)
        #expect(try Self.finalLoss(gru, gru.loss) < 0.05)
        #expect(try Self.finalLoss(bow, bow.loss) < 0.05)
    }

    @Test func trainingIsDeterministicUnderASeed() throws {
        func train<M: Module>(_ make: () throws -> M, _ loss: @escaping (M) -> (PackedSequences) -> Tensor) throws -> [Float] {
            let model = try make()
            _ = try Self.finalLoss(model, loss(model))
            return model.parameters.flatMap(\.values)
        }
        #expect(try train({ try Self.gru(seed: 11) }, { $0.loss }) == train({ try Self.gru(seed: 11) }, { $0.loss }))
        #expect(try train({ try Self.bow(seed: 11) }, { $0.loss }) == train({ try Self.bow(seed: 11) }, { $0.loss }))
    }

    @Test func checkpointsRoundTripWithIdenticalLogits() throws {
        let vocabulary = Vocabulary(words: ["abcd"])
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        let words: [[Int32]] = [[1, 2, 3], [3, 1], []]
        for model in [try Self.rnn(seed: 3), try Self.gru(seed: 3), try Self.bow(seed: 3)] as [any TrainableModel] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 2, valLoss: nil).write(to: path)
            let checkpoint = try Checkpoint.read(path: path)
            #expect(checkpoint.kind == type(of: model).kind)
            let restored = try StageRegistry.restoreModel(checkpoint, source: path)
            #expect(type(of: restored) == type(of: model))
            #expect(restored.nextTokenLogProbabilities(words: words) == model.nextTokenLogProbabilities(words: words))
        }
        let bowPath = FileManager.default.temporaryDirectory.appendingPathComponent("bow-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: bowPath) }
        try Checkpoint(model: Self.bow(), vocabulary: vocabulary, split: record, step: 0, valLoss: nil).write(to: bowPath)
        let mask = try #require(try SafetensorsFile.read(path: bowPath).tensor(named: "context_block.cbow.bias"))
        #expect(mask.shape == [1, 10, 10] && mask.values[1] == 0 && mask.values[10] == 1 && mask.values[11] == 1)
    }
}
