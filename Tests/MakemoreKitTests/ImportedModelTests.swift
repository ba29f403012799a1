import Foundation
import Testing
@testable import MakemoreKit

/// Bare state dicts: the model type from the keys, the configuration from the shapes (the
/// numbers against PyTorch are in `GoldenTests`).
@Suite struct ImportedModelTests {
    static func params(_ type: String) throws -> SafetensorsFile {
        try SafetensorsFile.read(path: GoldenFixture.path(type, "params.safetensors"))
    }

    func message(_ file: SafetensorsFile, heads: Int? = nil, blockSize: Int? = 16) -> String {
        do {
            _ = try ImportedModel(stateDict: file, heads: heads, blockSize: blockSize, source: "x")
            Issue.record("no error")
        } catch let error as MakemoreError {
            return error.description
        } catch {
            Issue.record("not a MakemoreError: \(error)")
        }
        return ""
    }

    @Test func eachTypeIsRecognisedWithItsConfiguration() throws {
        #expect(try ImportedModel(stateDict: Self.params("bigram"), source: "x").model is NeuralBigram)
        let mlp = try #require(try ImportedModel(stateDict: Self.params("mlp"), source: "x").model as? MakemoreMLP)
        #expect(mlp.configuration == SequenceModelConfiguration(vocabularySize: 27, blockSize: 16, embedding: 16, hidden: 16))
        let rnn = try #require(try ImportedModel(stateDict: Self.params("rnn"), blockSize: 9, source: "x").model as? RNN)
        #expect(rnn.configuration == SequenceModelConfiguration(vocabularySize: 27, blockSize: 9, embedding: 16, hidden: 16))
        #expect(try ImportedModel(stateDict: Self.params("gru"), blockSize: 16, source: "x").model is GRU)
        let bow = try #require(try ImportedModel(stateDict: Self.params("bow"), source: "x").model as? BagOfWords)
        #expect(bow.configuration == SequenceModelConfiguration(vocabularySize: 27, blockSize: 16, embedding: 16, hidden: 16))
        let imported = try ImportedModel(stateDict: Self.params("transformer"), heads: 2, source: "x")
        let transformer = try #require(imported.model as? Transformer)
        #expect(transformer.configuration == TransformerConfiguration(vocabularySize: 27, blockSize: 16, layers: 2, heads: 2, embedding: 16))
        #expect(imported.heads?.count == 2 && imported.heads?.source == .caller)
    }

    /// Without metadata or a caller's value the head count is makemore.py's 4 — and it matters:
    /// the fixture (2 heads) then no longer gives PyTorch's logits.
    @Test func headCountDefaultsToMakemoreAndChangesTheLogits() throws {
        let fourHeads = try ImportedModel(stateDict: Self.params("transformer"), source: "x")
        #expect(fourHeads.heads?.count == 4 && fourHeads.heads?.source == .makemoreDefault)
        let metadata = try SafetensorsFile.read(path: GoldenFixture.path("transformer", "model.safetensors"))
        let twoHeads = try ImportedModel(stateDict: metadata, heads: 4, source: "x")
        #expect(twoHeads.heads?.count == 2 && twoHeads.heads?.source == .metadata)
        let words: [[Int32]] = [[5, 13, 13, 1]]
        let a = fourHeads.model.nextTokenLogProbabilities(words: words), b = twoHeads.model.nextTokenLogProbabilities(words: words)
        #expect(zip(a, b).map { abs($0 - $1) }.max()! > 1e-3)
        var bad = metadata
        bad.metadata["n_head"] = "two"
        #expect(message(bad) == "x: metadata n_head 'two' is not a positive whole number")
        #expect(message(try Self.params("transformer"), heads: 3) == "x: cannot build a transformer of 2 layers, 16 channels and 3 heads")
    }

    @Test func recurrentModelsNeedABlockSize() throws {
        #expect(message(try Self.params("rnn"), blockSize: nil).contains("does not record its block size"))
        #expect(message(try Self.params("gru"), blockSize: 0) == "x: block size 0 is outside 1…4096")
    }

    @Test func wrongMissingExtraAndNonFiniteTensorsFail() throws {
        var mask = try SafetensorsFile.read(path: GoldenFixture.path("bow", "model.safetensors"))
        let index = try #require(mask.tensors.firstIndex { $0.name == "context_block.cbow.bias" })
        mask.tensors[index].values[1] = 1
        #expect(message(mask) == "x: tensor 'context_block.cbow.bias' is not the causal mask")

        var missing = try Self.params("gru")
        missing.tensors.removeAll { $0.name == "lm_head.bias" }
        #expect(message(missing) == "x: missing tensor 'lm_head.bias'")

        var extra = try Self.params("rnn")
        extra.tensors.append(.init(name: "lm_head.extra", shape: [1], values: [0]))
        #expect(message(extra) == "x: unexpected tensor 'lm_head.extra' for this model")

        var nan = try Self.params("mlp")
        nan.tensors[0].values[3] = .infinity
        #expect(message(nan) == "x: tensor '\(nan.tensors[0].name)' holds a value that is not finite")

        var misfit = try Self.params("mlp")
        let wte = try #require(misfit.tensors.firstIndex { $0.name == "wte.weight" })
        misfit.tensors[wte] = .init(name: "wte.weight", shape: [27, 16], values: Array(misfit.tensors[wte].values.prefix(27 * 16)))
        #expect(message(misfit).contains("do not fit 'wte.weight' [27, 16]"))

        #expect(message(SafetensorsFile(tensors: [.init(name: "w", shape: [1], values: [0])])) == "x: not the state dict of a makemore.py model (keys \"w\")")
    }

    /// A transformer whose layer count (from its `ln_1` keys) its data cannot back is refused
    /// before anything of that size is built.
    @Test func shapesTheDataCannotBackFail() throws {
        var file = try Self.params("transformer")
        for layer in 2..<1000 { file.tensors.append(.init(name: "transformer.h.\(layer).ln_1.weight", shape: [16], values: Array(repeating: 1, count: 16))) }
        #expect(message(file, heads: 2) == "x: missing tensor 'transformer.h.2.mlp.c_fc.weight'")
        var wide = try Self.params("bow")
        let wpe = try #require(wide.tensors.firstIndex { $0.name == "wpe.weight" })
        wide.tensors[wpe] = .init(name: "wpe.weight", shape: [100_000, 1], values: Array(repeating: 0, count: 100_000))
        #expect(message(wide) == "x: block size 100000 is outside 1…4096")
    }
}

/// Telling this project's checkpoints from bare state dicts.
@Suite struct ModelFileTests {
    @Test func kindsAreToldApart() throws {
        for file in ["model.pt", "model.safetensors", "params.safetensors"] {
            guard case .stateDict(let stateDict) = try ModelFile.read(path: GoldenFixture.path("gru", file)) else {
                Issue.record("\(file) is not read as a bare state dict")
                continue
            }
            #expect(stateDict.tensors.count == 10)
        }
        var generator = RandomGenerator(seed: 1)
        let model = try NeuralBigram(vocabularySize: 3, using: &generator)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mf-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        try Checkpoint(model: model, vocabulary: Vocabulary(words: ["ab"]), split: record, step: 1, valLoss: nil).write(to: path)
        guard case .checkpoint(let checkpoint) = try ModelFile.read(path: path) else { Issue.record("not read as a checkpoint"); return }
        #expect(checkpoint.kind == "neural-bigram")
        #expect(throws: MakemoreError.file(path: "/nonexistent.pt", reason: "no such file")) { try ModelFile.read(path: "/nonexistent.pt") }
    }
}
