import Foundation
import MakemoreKit
import Testing

/// A model written outside the library, as a user of MakemoreKit would write it (this file
/// imports the library's public API only): registered once, it trains, evaluates, samples,
/// saves, loads and is compared through the same calls as the built-in stages, and a bare
/// PyTorch state dict of it imports through the format its registration declares.
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
        compareBudget: { $0.steps = 20 },
        // A state dict holding exactly the model's three tensors is this model's: E and V come
        // from `wte`, the block size from the words (the weights do not fix one).
        stateDict: .recognised(when: { Set($0.tensors.map(\.name)) == ["wte.weight", "lm_head.weight", "lm_head.bias"] }) { reader in
            let wte = try reader.shape("wte.weight", rank: 2)  // (V, E)
            return PreviousToken.Configuration(vocabularySize: wte[0], blockSize: try reader.givenBlockSize(), embedding: wte[1])
        })

    /// Registers the model once for every test of the process (`register` returns its kind; a
    /// failed registration shows in the checks below).
    static let kind: StageKind = (try? StageRegistry.register(definition)) ?? definition.kind

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

    /// What PyTorch saves for `nn.Embedding(V, E)` as `wte` and `nn.Linear(E, V)` as `lm_head`
    /// (a Linear's weight is (out, in)), written as safetensors with no metadata of this project:
    /// read against words, it is recognised as the registered model, the weights land where
    /// PyTorch's would (the logits after a token are lm_head.bias + lm_head.weight · tanh(wte[token])),
    /// and it is evaluated and sampled as any model file.
    @Test func aBareStateDictOfTheModelImports() throws {
        _ = Self.kind
        let dataset = try Self.dataset()
        let (v, e) = (dataset.vocabulary.size, 5)
        func values(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { Float(($0 * 37) % 17 - 8) * scale } }
        let (wte, weight, bias) = (values(v * e, 0.1), values(v * e, 0.07), values(v, 0.05))
        let file = SafetensorsFile(tensors: [.init(name: "wte.weight", shape: [v, e], values: wte),
                                             .init(name: "lm_head.weight", shape: [v, e], values: weight),
                                             .init(name: "lm_head.bias", shape: [v], values: bias)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("custom-bare-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)

        let loaded = try ModelFiles(paths: [path], words: { dataset.split }).model
        #expect(loaded.kind == "previous-token" && loaded.step == nil && loaded.parameterCount == 2 * v * e + v)
        let model = try #require(loaded.model as? PreviousToken)
        #expect(model.configuration.blockSize == dataset.longestWord + 1)
        let token = 3
        let logits = model.logits(PackedSequences(words: [[Int32(token)]])).values  // rows: after the boundary, after the token
        let hidden = (0..<e).map { tanh(wte[token * e + $0]) }
        let expected = (0..<v).map { j in bias[j] + (0..<e).reduce(Float(0)) { $0 + weight[j * e + $1] * hidden[$1] } }
        #expect(zip(logits[v..<(2 * v)], expected).allSatisfy { abs($0 - $1) <= 1e-5 })

        let evaluation = try loaded.evaluation(source: path)
        #expect(evaluation.results.count == 3 && evaluation.results.allSatisfy { $0.result.map { $0.nll.isFinite } ?? true })
        #expect(try loaded.sample(count: 4, seed: 1).words.count == 4)
    }
}
