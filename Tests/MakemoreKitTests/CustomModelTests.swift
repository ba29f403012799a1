import Foundation
import MakemoreKit
import Testing

/// A model written outside the library, as a user of MakemoreKit would write it (this file
/// imports the library's public API only): registered once, it trains, evaluates, samples,
/// saves, loads and is compared through the same calls as the built-in stages.
@Suite struct CustomModelTests {
    /// The previous token's embedding through tanh into a linear head: a bigram with a bottleneck.
    final class PreviousToken: PackedSequenceModel, TrainableModel {
        struct Configuration: BlockSizedConfiguration {
            var vocabularySize = 0
            var blockSize = 0
            var embedding = 6

            func validate() throws {
                _ = try Limit<Int>.vocabularySize("vocab_size").check(vocabularySize)
                _ = try Limit<Int>("block_size", 2...4096).check(blockSize)
                _ = try Limit<Int>("n_embd", 1...64).check(embedding)
            }
        }

        static let kind = "previous-token"
        let configuration: Configuration
        let tokenEmbedding: Embedding
        let head: Linear

        init(configuration: Configuration, using generator: inout RandomGenerator) {
            self.configuration = configuration
            tokenEmbedding = Embedding(count: configuration.vocabularySize, dimensions: configuration.embedding, using: &generator)
            head = Linear(inputCount: configuration.embedding, outputCount: configuration.vocabularySize, using: &generator)
        }

        var vocabularySize: Int { configuration.vocabularySize }
        var maximumWordLength: Int? { configuration.blockSize - 1 }
        var children: ModuleChildren { [("wte", tokenEmbedding), ("lm_head", head)] }

        func logits(_ batch: PackedSequences) -> Tensor {
            head(tokenEmbedding(batch.inputs, shape: [batch.rows]).tanh())  // (N, V)
        }

        static func activationElementsPerRow(configuration c: Configuration, vocabularySize v: Int) -> Double {
            Double(3 * (2 * c.embedding + 2 * v))
        }
    }

    static let definition = StageDefinition.sequence(
        PreviousToken.self, summary: "the previous token through a bottleneck (a test's own model)", defaults: PreviousToken.Configuration(),
        training: { TrainingConfiguration(steps: 30, learningRate: 0.05, optimizer: OptimizerConfiguration(kind: .adamw), batchSize: 16) },
        compareBudget: { $0.steps = 20 })

    /// Registers the model once for every test of the process.
    static let kind: StageKind = {
        try? StageRegistry.register(definition)
        return definition.kind
    }()

    static func dataset() throws -> Dataset {
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy", "zoe"][$0 % 6] }
        return try Dataset(split: DatasetSplit(shuffling: words, seed: 3, valFraction: 0.2, testFraction: 0.1))
    }

    @Test func aRegisteredModelIsAStageLikeAnyOther() throws {
        let kind = Self.kind
        #expect(StageKind(rawValue: "previous-token") == kind && StageKind.allCases.last == kind)
        #expect(throws: MakemoreError.self) { try StageRegistry.register(Self.definition) }  // one definition per name

        let dataset = try Self.dataset()
        let stage = try Stage(kind.defaultConfiguration, dataset: dataset, seed: 5)
        #expect(stage.kind == kind && stage.parameterCount == 2 * 6 * dataset.vocabulary.size + dataset.vocabulary.size)
        let before = try #require(stage.evaluate(.val)).nll
        let history = try stage.train(kind.defaultTraining)
        #expect(history.steps == 30)
        let val = try #require(stage.evaluate(.val))
        #expect(val.nll < before)
        #expect(try stage.sample(count: 3).count == 3)
        #expect(try stage.report(samples: 1).model == "previous-token")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("custom-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try stage.save(to: path)
        let loaded = try Stage(loading: path, expecting: kind)
        #expect(loaded.kind == kind && loaded.evaluate(.val) == val && loaded.step == 30)
        #expect(try loaded.sample(count: 2).count == 2)
    }
}
