import Foundation
import Testing
@testable import MakemoreKit

/// makemore.py's MLP (its forward and backward against PyTorch are in `GoldenTests`).
@Suite struct MakemoreMLPTests {
    static func model(seed: UInt64) throws -> MakemoreMLP {
        var generator = RandomGenerator(seed: seed)
        return try MakemoreMLP(configuration: SequenceModelConfiguration(vocabularySize: 6, blockSize: 8, embedding: 4, hidden: 5),
                           using: &generator)
    }

    /// At makemore.py's defaults on names.txt (27 tokens, block size 16, n_embd 64, n_embd2 64):
    /// 69 147 parameters, under makemore.py's keys and shapes (`wte` has the `<BLANK>` row).
    @Test func defaultsHaveMakemoreParameterCountAndKeys() throws {
        var generator = RandomGenerator(seed: 1)
        let model = try MakemoreMLP(configuration: SequenceModelConfiguration(vocabularySize: 27, blockSize: 16), using: &generator)
        #expect(model.parameterCount == 69_147)
        #expect(model.namedParameters().map(\.name) == ["wte.weight", "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"])
        #expect(model.namedParameters().map(\.tensor.shape) == [[28, 64], [64, 1024], [64], [27, 64], [27]])
    }

    @Test func predictionsDependOnlyOnEarlierTokens() throws {
        ModelTesting.expectCausal(try Self.model(seed: 2))
    }

    @Test func checkpointRoundTripGivesIdenticalLogits() throws {
        let model = try Self.model(seed: 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mmlp-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        try Checkpoint(model: model, vocabulary: Vocabulary(words: ["abcde"]), split: record, step: 3, valLoss: nil).write(to: path)
        let restored = try #require(try StageRegistry.restoreModel(try Checkpoint.read(path: path), source: path) as? MakemoreMLP)
        #expect(restored.configuration == model.configuration)
        let words: [[Int32]] = [[1, 2, 3], [5], []]
        #expect(restored.nextTokenLogProbabilities(words: words) == model.nextTokenLogProbabilities(words: words))
    }
}
