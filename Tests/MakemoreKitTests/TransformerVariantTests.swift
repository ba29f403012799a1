import Foundation
import Testing
@testable import MakemoreKit

/// The transformer's sinusoidal positions and ReLU MLPs: the table's values, what the state dict
/// holds, gradients, cached decoding, and the configuration and checkpoint round trips.
@Suite struct TransformerVariantTests {
    static func tinyModel(seed: UInt64 = 1, layers: Int = 2, embedding: Int = 8, positions: TransformerConfiguration.Positions = .sinusoidal,
                          activation: MLPBlock.Activation = .gelu) throws -> Transformer {
        var g = RandomGenerator(seed: seed)
        let configuration = TransformerConfiguration(vocabularySize: 5, blockSize: 8, layers: layers, heads: 2, embedding: embedding,
                                                     positions: positions, activation: activation)
        return try Transformer(configuration: configuration, using: &g)
    }

    /// PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), written
    /// out per (pos, i) here; with an odd d the last channel is a sin without its cos.
    @Test(arguments: [6, 5])
    func sinusoidalTableFollowsTheFormula(channels d: Int) {
        let table = PositionEncoding.sinusoidalTable(positions: 12, channels: d)
        #expect(table.shape == [12, d] && !table.requiresGrad)
        let values = table.values
        func pe(_ position: Int, _ channel: Int) -> Double { Double(values[position * d + channel]) }
        for position in [0, 1, 3, 11] {
            for i in 0..<(d + 1) / 2 {
                let angle = Double(position) / Foundation.pow(10_000.0, Double(2 * i) / Double(d))
                #expect(abs(pe(position, 2 * i) - Foundation.sin(angle)) < 1e-6, "PE(\(position), \(2 * i))")
                if 2 * i + 1 < d { #expect(abs(pe(position, 2 * i + 1) - Foundation.cos(angle)) < 1e-6, "PE(\(position), \(2 * i + 1))") }
            }
        }
        // Spot values: position 0 is (0, 1, 0, 1, …); the first pair turns at one radian per position.
        #expect((0..<d).map { pe(0, $0) } == (0..<d).map { $0 % 2 == 0 ? 0 : 1 })
        #expect(abs(pe(3, 0) - 0.141120) < 1e-6 && abs(pe(3, 1) - -0.989992) < 1e-6)
    }

    @Test func sinusoidalModelHasNoPositionParameters() throws {
        var g = RandomGenerator(seed: 1)
        let learned = try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 16), using: &g)
        g = RandomGenerator(seed: 1)
        let sinusoidal = try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 16, positions: .sinusoidal), using: &g)
        #expect(sinusoidal.parameterCount == learned.parameterCount - 16 * 64)
        #expect(sinusoidal.stateDict().map(\.name) == learned.stateDict().map(\.name).filter { $0 != "transformer.wpe.weight" })
        #expect(!sinusoidal.stateDict().contains { $0.name.contains("wpe") })
        var relu = TransformerConfiguration(vocabularySize: 27, blockSize: 16)
        relu.activation = .relu
        #expect(try Transformer(configuration: relu, using: &g).stateDict().map(\.name) == learned.stateDict().map(\.name))
    }

    /// The sinusoidal model is the learned one with `wpe` frozen at the table: same logits when
    /// every other weight is copied across.
    @Test func sinusoidalPositionsAddTheTableToTheTokenEmbedding() throws {
        let sinusoidal = try Self.tinyModel(seed: 3)
        let learned = try Self.tinyModel(seed: 4, positions: .learned)
        let table = PositionEncoding.sinusoidalTable(positions: 8, channels: 8)
        var state = sinusoidal.stateTensors()
        state.insert(StateTensor(name: "transformer.wpe.weight", shape: table.shape, values: table.values), at: 1)
        try learned.loadState(from: state, source: "test")
        let words: [[Int32]] = [[1, 2, 3, 4, 4, 1], [2]]
        expectClose(sinusoidal.evaluating { sinusoidal.nextTokenLogProbabilities(words: words) },
                    learned.evaluating { learned.nextTokenLogProbabilities(words: words) })
        // Positions matter: the same token at two positions gets different next-token logits.
        let repeated = sinusoidal.nextTokenLogProbabilities(words: [[2, 2]])
        #expect(Array(repeated[5..<10]) != Array(repeated[10..<15]))
    }

    @Test func sinusoidalGradients() throws {
        let model = try Self.tinyModel(layers: 1)
        let batch = PackedSequences(words: [[1, 2, 3], [4]])
        GradientCheck().expectCorrect(model.parameters) { _ in model.loss(batch) }
    }

    /// The pre-activations of the first block's MLP over `batch`: ReLU's kink at 0 fools finite
    /// differences when a step of h = 1e-2 in some weight carries one across it.
    static func preActivations(_ model: Transformer, _ batch: PackedSequences) -> [Float] {
        let block = model.blocks[0], n = batch.inputs.count
        return Tensor.withoutGradient {
            let x = model.tokenEmbedding(batch.inputs, shape: [n]) + model.positionEncoding(batch.positions, shape: [n])
            let h = x + block.attention(block.attentionNorm(x), .packed(sequenceStarts: batch.starts))
            return block.mlp.expansion(block.mlpNorm(h)).values
        }
    }

    /// Seeds whose pre-activations all lie more than 0.03 from the kink, on both sides of it
    /// (checked first).
    @Test(arguments: [(UInt64(4), TransformerConfiguration.Positions.learned), (UInt64(26), .sinusoidal)])
    func reluGradients(seed: UInt64, positions: TransformerConfiguration.Positions) throws {
        let model = try Self.tinyModel(seed: seed, layers: 1, embedding: 4, positions: positions, activation: .relu)
        let batch = PackedSequences(words: [[1, 2], [4]])
        let z = Self.preActivations(model, batch)
        #expect(z.allSatisfy { abs($0) > 0.03 } && z.contains { $0 < 0 } && z.contains { $0 > 0 })
        GradientCheck().expectCorrect(model.parameters) { _ in model.loss(batch) }
    }

    @Test func sinusoidalIsCausal() throws {
        ModelTesting.expectCausal(try Self.tinyModel())
    }

    @Test func keyValueCacheUsesTheSinusoidalPositions() throws {
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(try Self.tinyModel(layers: 3, activation: .relu))
        ModelTesting.expectBatchDecoderMatchesTheFullForward(try Self.tinyModel(layers: 2))
    }

    @Test func configurationOmitsTheDefaultsAndReadsOldFiles() throws {
        let defaults = TransformerConfiguration(vocabularySize: 27, blockSize: 16)
        let json = String(decoding: try JSONEncoder().encode(defaults), as: UTF8.self)
        #expect(!json.contains("positions") && !json.contains("activation"))  // makemore.py's ModelConfig keys only
        let old = #"{"vocab_size": 27, "block_size": 16, "n_layer": 4, "n_head": 4, "n_embd": 64, "dropout": 0}"#
        #expect(try JSONDecoder().decode(TransformerConfiguration.self, from: Data(old.utf8)) == defaults)
        let variant = TransformerConfiguration(vocabularySize: 27, blockSize: 16, positions: .sinusoidal, activation: .relu)
        let variantJSON = String(decoding: try JSONEncoder().encode(variant), as: UTF8.self)
        #expect(variantJSON.contains(#""positions":"sinusoidal""#) && variantJSON.contains(#""activation":"relu""#))
        #expect(try JSONDecoder().decode(TransformerConfiguration.self, from: Data(variantJSON.utf8)) == variant)
        let bad = old.replacingOccurrences(of: "}", with: #", "positions": "rotary"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TransformerConfiguration.self, from: Data(bad.utf8)) }
    }

    @Test func checkpointRestoresPositionsAndActivation() throws {
        let vocabulary = Vocabulary(words: ["abcd"])
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        let model = try Self.tinyModel(seed: 8, activation: .relu)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("variant-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 3, valLoss: nil).write(to: path)
        #expect(try !SafetensorsFile.read(path: path).tensors.contains { $0.name == "transformer.wpe.weight" })
        let restored = try #require(try StageRegistry.restoreModel(try Checkpoint.read(path: path), source: path) as? Transformer)
        #expect(restored.configuration.positions == .sinusoidal && restored.configuration.activation == .relu)
        let words: [[Int32]] = [[1, 2, 3], [3, 1, 4, 4]]
        #expect(restored.nextTokenLogProbabilities(words: words) == model.evaluating { model.nextTokenLogProbabilities(words: words) })
    }

    /// A bare state dict without `transformer.wpe.weight` is read as sinusoidal positions, its
    /// block size from the causal masks when kept, else from the caller.
    @Test func bareStateDictWithoutPositionsImportsAsSinusoidal() throws {
        let model = try Self.tinyModel(seed: 6)
        let words: [[Int32]] = [[1, 2, 3, 2]]
        let expected = model.evaluating { model.nextTokenLogProbabilities(words: words) }
        let withMasks = try ImportedModel(stateDict: SafetensorsFile(tensors: model.stateTensors()), heads: 2, source: "x")
        let imported = try #require(withMasks.model as? Transformer)
        #expect(withMasks.sinusoidalPositions && imported.configuration == model.configuration)
        #expect(imported.nextTokenLogProbabilities(words: words) == expected)
        #expect(withMasks.headsNote(path: "x")?.hasSuffix("sinusoidal positions (no transformer.wpe.weight)") == true)
        let parameters = SafetensorsFile(tensors: model.stateTensors().filter { !$0.name.hasSuffix(".attn.bias") })
        #expect(throws: MakemoreError.self) { try ImportedModel(stateDict: parameters, heads: 2, source: "x") }
        let fromWords = try #require(try ImportedModel(stateDict: parameters, heads: 2, blockSize: 6, source: "x").model as? Transformer)
        #expect(fromWords.configuration.blockSize == 6 && fromWords.configuration.positions == .sinusoidal)
        #expect(fromWords.nextTokenLogProbabilities(words: words) == expected)
        let learned = try ImportedModel(stateDict: SafetensorsFile(tensors: Self.tinyModel(positions: .learned).stateTensors()), heads: 2, source: "x")
        #expect(!learned.sinusoidalPositions && learned.headsNote(path: "x")?.contains("sinusoidal") == false)
    }
}
