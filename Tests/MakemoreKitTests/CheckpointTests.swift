import Foundation
import Testing
@testable import MakemoreKit

@Suite struct CheckpointTests {
    let vocabulary = Vocabulary(words: ["abc", "cab"])
    let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).safetensors").path
    }

    @Test func neuralBigramRoundTripGivesIdenticalLogits() throws {
        var generator = RandomGenerator(seed: 3)
        let model = try NeuralBigram(vocabularySize: vocabulary.size, using: &generator)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 12, valLoss: 2.5).write(to: path)
        let checkpoint = try Checkpoint.read(path: path)
        #expect(checkpoint.kind == "neural-bigram" && checkpoint.step == 12 && checkpoint.valLoss == 2.5)
        #expect(checkpoint.vocabulary == vocabulary && checkpoint.split == record)
        let restored = try #require(try StageRegistry.restoreModel(checkpoint, source: path) as? NeuralBigram)
        let words: [[Int32]] = [[1, 2, 3], [3, 1]]
        #expect(restored.nextTokenLogProbabilities(words: words) == model.nextTokenLogProbabilities(words: words))
        #expect(try SafetensorsFile.read(path: path).tensors.map(\.name) == ["logits"])
    }

    @Test func mlpRoundTripKeepsBatchNormStatisticsAndLogits() throws {
        var generator = RandomGenerator(seed: 4)
        var configuration = MLPConfiguration(vocabularySize: vocabulary.size)
        configuration.hiddenSize = 8
        configuration.embeddingDimensions = 3
        let model = try MLP(configuration: configuration, using: &generator)
        _ = model.loss(contexts: (0..<24).map { Int32($0 % 4) }, targets: (0..<8).map { Int32($0 % 4) })  // moves the running statistics
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 1, valLoss: nil).write(to: path)
        let restored = try #require(try StageRegistry.restoreModel(try Checkpoint.read(path: path), source: path) as? MLP)
        #expect(restored.configuration == model.configuration)
        #expect(try SafetensorsFile.read(path: path).tensors.map(\.name).contains("layers.1.running_var"))
        let words: [[Int32]] = [[1, 2, 3], [3, 1]]
        #expect(restored.nextTokenLogProbabilities(words: words) == model.nextTokenLogProbabilities(words: words))
    }

    @Test func transformerRoundTripUsesMakemoreKeysAndGivesIdenticalLogits() throws {
        var generator = RandomGenerator(seed: 5)
        let configuration = TransformerConfiguration(vocabularySize: vocabulary.size, blockSize: 6, layers: 1, heads: 2, embedding: 8)
        let model = try Transformer(configuration: configuration, using: &generator)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 3, valLoss: nil).write(to: path)
        let names = try SafetensorsFile.read(path: path).tensors.map(\.name)
        #expect(names.first == "transformer.wte.weight" && names.contains("transformer.h.0.attn.c_attn.weight") && names.contains("lm_head.weight"))
        // makemore.py's persistent causal-mask buffer, so PyTorch's strict load_state_dict accepts the file.
        let mask = try #require(try SafetensorsFile.read(path: path).tensor(named: "transformer.h.0.attn.bias"))
        #expect(mask.shape == [1, 1, 6, 6] && mask.values[1] == 0 && mask.values[6] == 1 && mask.values[7] == 1)
        let restored = try #require(try StageRegistry.restoreModel(try Checkpoint.read(path: path), source: path) as? Transformer)
        #expect(restored.configuration == configuration)
        let words: [[Int32]] = [[1, 2, 3], [3, 1]]
        model.setTraining(false)
        let expected = model.nextTokenLogProbabilities(words: words)
        let actual = restored.nextTokenLogProbabilities(words: words)
        #expect(zip(expected, actual).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    /// A bare state dict (what PyTorch's `save_file(model.state_dict())` writes) imports with the
    /// configuration read off its shapes.
    @Test func bareTransformerStateDictImports() throws {
        var generator = RandomGenerator(seed: 6)
        let model = try Transformer(configuration: TransformerConfiguration(vocabularySize: 5, blockSize: 7, layers: 2, heads: 2, embedding: 8), using: &generator)
        let bare = SafetensorsFile(tensors: model.stateTensors())
        let imported = try #require(try ImportedModel(stateDict: try SafetensorsFile.decode(try bare.encoded(), name: "x"), heads: 2, source: "x").model as? Transformer)
        #expect(imported.configuration == model.configuration)
        model.setTraining(false)
        #expect(imported.nextTokenLogProbabilities(words: [[1, 2, 3]]) == model.nextTokenLogProbabilities(words: [[1, 2, 3]]))
        #expect(throws: MakemoreError.self) { try ImportedModel(stateDict: SafetensorsFile(tensors: [.init(name: "w", shape: [1], values: [0])]), heads: 2, source: "x") }
        #expect(throws: MakemoreError.self) { try ImportedModel(stateDict: bare, heads: 3, source: "x") }
    }

    @Test func countBigramRoundTrip() throws {
        let model = CountBigram(words: [[1, 2], [3]], vocabularySize: vocabulary.size, smoothing: 0.5)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 0, valLoss: nil).write(to: path)
        let restored = try #require(try StageRegistry.restoreModel(try Checkpoint.read(path: path), source: path) as? CountBigram)
        #expect(restored.counts == model.counts && restored.smoothing == 0.5)
        #expect(restored.logProbabilityTable == model.logProbabilityTable)
    }

    @Test func mismatchedTensorsAreRejectedWithoutChangingTheModel() throws {
        var generator = RandomGenerator(seed: 1)
        let model = try NeuralBigram(vocabularySize: 4, using: &generator)
        let before = model.weight.values
        let wrongShape = SafetensorsFile(tensors: [.init(name: "logits", shape: [3, 3], values: Array(repeating: 0, count: 9))])
        #expect(throws: MakemoreError.file(path: "f", reason: "tensor 'logits' has shape [3, 3], the model needs [4, 4]")) { try model.loadState(from: wrongShape, source: "f") }
        let extra = SafetensorsFile(tensors: [.init(name: "logits", shape: [4, 4], values: Array(repeating: 0, count: 16)),
                                              .init(name: "bias", shape: [1], values: [0])])
        #expect(throws: MakemoreError.file(path: "f", reason: "unexpected tensor 'bias' for this model")) { try model.loadState(from: extra, source: "f") }
        #expect(throws: MakemoreError.file(path: "f", reason: "missing tensor 'logits'")) { try model.loadState(from: SafetensorsFile(), source: "f") }
        #expect(model.weight.values == before)
    }

    @Test func filesThatAreNotCheckpointsAreClearErrors() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsFile(tensors: [.init(name: "x", shape: [1], values: [1])]).write(to: path)
        #expect(throws: MakemoreError.file(path: path, reason: "not a makemore checkpoint (no 'format' in __metadata__)")) { try Checkpoint.read(path: path) }
        var generator = RandomGenerator(seed: 1)
        let model = try NeuralBigram(vocabularySize: vocabulary.size, using: &generator)
        var checkpoint = try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 1, valLoss: nil)
        checkpoint.kind = "gpt-9"
        #expect(throws: MakemoreError.self) { try StageRegistry.restoreModel(checkpoint, source: path) }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: MakemoreError.self) { try Checkpoint.read(path: path) }
    }
}

@Suite struct SampleAndEvalCLITests {
    @Test func saveSampleEvalOnAToyList() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<120).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let train = try CLI.run(["neural-bigram", "--input", "toy.txt", "--steps", "20", "--quiet", "--save", "m.safetensors", "--json"], in: directory)
        #expect(train.status == 0)
        let sample = try CLI.run(["sample", "--load", "m.safetensors", "--count", "8", "--prefix", "bo", "--json"], in: directory)
        #expect(sample.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)) as? [String: Any])
        let samples = try #require(object["samples"] as? [[String: String]])
        #expect(samples.count == 8 && samples.allSatisfy { $0["word"]!.hasPrefix("bo") })
        #expect(samples.allSatisfy { ["new", "in train", "in val", "in test"].contains($0["tag"]!) })
        let eval = try CLI.run(["eval", "--load", "m.safetensors", "--split", "val", "--json"], in: directory)
        let trained = try #require(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        let evaluated = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let valFromTraining = try #require((trained["loss"] as? [String: Any])?["val"] as? Double)
        let valFromEval = try #require((evaluated["loss"] as? [String: Any])?["val"] as? Double)
        #expect(abs(valFromTraining - valFromEval) < 1e-9)
        let badPrefix = try CLI.run(["sample", "--load", "m.safetensors", "--prefix", "q"], in: directory)
        #expect(badPrefix.status == 64 && badPrefix.stderr.contains("'q'"))
        try Data([1, 2, 3]).write(to: directory.appendingPathComponent("bad.safetensors"))
        let corrupt = try CLI.run(["eval", "--load", "bad.safetensors"], in: directory)
        #expect(corrupt.status == 1 && corrupt.stderr.split(separator: "\n").count == 1 && corrupt.stderr.contains("bad.safetensors"))
    }
}
