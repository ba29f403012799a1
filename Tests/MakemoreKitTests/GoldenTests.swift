import Foundation
import Testing
@testable import MakemoreKit

/// The fixtures of makemore.py under PyTorch (Fixtures/makemore-py/README: one directory per
/// `--type`, the same state dict as `model.pt`, `model.safetensors` and `params.safetensors`, a
/// batch with its logits and loss, and every parameter's gradient).
enum GoldenFixture {
    static let types = ["bigram", "mlp", "rnn", "gru", "bow", "transformer"]
    static let files = ["model.safetensors", "params.safetensors", "model.pt"]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/makemore-py")

    /// `expected.json`.
    struct Expected: Decodable {
        struct Config: Decodable {
            let vocabSize: Int, blockSize: Int, nLayer: Int, nEmbd: Int, nEmbd2: Int, nHead: Int
            enum CodingKeys: String, CodingKey {
                case vocabSize = "vocab_size", blockSize = "block_size", nLayer = "n_layer", nEmbd = "n_embd", nEmbd2 = "n_embd2", nHead = "n_head"
            }
        }
        let config: Config
        let vocabulary: String
        let words: [String]
        let X: [[Int32]]
        let Y: [[Int32]]
        let loss: Float
        let logits: [Float]
        let parameters: Int
    }

    static func path(_ type: String, _ file: String) -> String { directory.appendingPathComponent("\(type)/\(file)").path }

    static func expected(_ type: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: path(type, "expected.json"))))
    }

    /// The fixture's model read from `file` through the bare state-dict importer, given the head
    /// count (used where the file has no `n_head` metadata) and the block size.
    static func model(_ type: String, _ file: String) throws -> ImportedModel {
        let path = path(type, file), config = try expected(type).config
        let stateDict = file.hasSuffix(".pt") ? try TorchCheckpoint.read(path: path) : try SafetensorsFile.read(path: path)
        return try ImportedModel(stateDict: stateDict, heads: config.nHead, blockSize: config.blockSize, source: path)
    }
}

/// Golden tests against PyTorch, forward and backward, the way llm.c's `test_gpt2` checks
/// itself: for each of makemore.py's six models and each of the three files holding its state
/// dict, the logits of every position of the padded batch (makemore.py runs each row of X as a
/// full sequence of block size), the loss, and after one backward every parameter's gradient.
struct GoldenTests {
    /// Logits within 1e-5, loss within 1e-6, gradients within 1e-4 relative (see `gradientsMatch`).
    @Test(arguments: GoldenFixture.types, GoldenFixture.files)
    func matchesPyTorch(type: String, file: String) throws {
        let expected = try GoldenFixture.expected(type)
        let imported = try GoldenFixture.model(type, file)
        let model = imported.model
        #expect(model.parameterCount == expected.parameters)
        #expect(model.vocabularySize == expected.config.vocabSize)
        if type == "transformer" {
            #expect(imported.heads?.count == expected.config.nHead)
            #expect(imported.heads?.source == (file == "model.safetensors" ? .metadata : .caller))
        }

        let inputs = expected.X.flatMap { $0 }, targets = expected.Y.flatMap { $0 }
        let logits: Tensor
        if let bigram = model as? NeuralBigram {
            logits = bigram.logits(contexts: inputs)
        } else {
            let sequenceModel = try #require(model as? any PackedSequenceModel)
            var batch = PackedSequences()
            for (x, y) in zip(expected.X, expected.Y) { batch.append(inputs: x, targets: y) }
            logits = sequenceModel.logits(batch)
        }
        #expect(logits.shape == [inputs.count, expected.config.vocabSize])
        let logitError = zip(logits.values, expected.logits).map { abs($0 - $1) }.max() ?? .infinity
        #expect(logits.count == expected.logits.count && logitError <= 1e-5, "largest logit error \(logitError)")

        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: SequenceExamples.ignoreIndex)
        #expect(abs(loss.item - expected.loss) <= 1e-6, "loss \(loss.item), PyTorch \(expected.loss)")

        loss.backward()
        try Self.expectGradients(of: model, equal: GoldenFixture.path(type, "grads.safetensors"), label: "\(type) \(file)")
    }

    /// Checks that `model`'s parameters have exactly the gradients of the PyTorch file at `path`
    /// (the same names and shapes, every value within `firstMismatch`'s tolerance).
    static func expectGradients(of model: some Module, equal path: String, label: String) throws {
        let grads = try SafetensorsFile.read(path: path)
        #expect(Set(grads.tensors.map(\.name)) == Set(model.namedParameters().map(\.name)))
        for (name, parameter) in model.namedParameters() {
            let reference = try #require(grads.tensor(named: name))
            let gradient = try #require(parameter.gradValues, "no gradient for \(name)")
            #expect(reference.shape == parameter.shape)
            let mismatch = firstMismatch(gradient, reference.values)
            #expect(mismatch == nil, "\(label) \(name): \(mismatch ?? "")")
        }
    }

    /// Where `actual` and `reference` (PyTorch's gradient of one tensor) differ by more than
    /// 1e-4 relative: |a − b| ≤ 1e-4·max(|b|, floor), the floor being 1 % of the tensor's
    /// largest |b| (so entries that are nearly zero are judged at the tensor's own scale, not
    /// against float32 round-off), or nil when every entry agrees.
    static func firstMismatch(_ actual: [Float], _ reference: [Float]) -> String? {
        guard actual.count == reference.count else { return "\(actual.count) values, PyTorch has \(reference.count)" }
        let floor = 0.01 * (reference.map(abs).max() ?? 0)
        for (i, (a, b)) in zip(actual, reference).enumerated() where !(abs(a - b) <= 1e-4 * max(abs(b), floor)) {
            return "entry \(i): \(a) vs PyTorch \(b)"
        }
        return nil
    }

    /// The three files of a fixture hold the same tensors: the bare readers agree bit for bit.
    /// And what this project writes for the model is makemore.py's whole state dict, buffers
    /// included, so PyTorch's strict `load_state_dict` accepts it.
    @Test(arguments: GoldenFixture.types)
    func filesAgreeAndOurStateDictIsMakemores(type: String) throws {
        let states = try GoldenFixture.files.map { try GoldenFixture.model(type, $0).model.stateTensors() }
        #expect(states[1] == states[0])
        #expect(states[2] == states[0])
        let makemore = try SafetensorsFile.read(path: GoldenFixture.path(type, "model.safetensors"))
        #expect(Set(states[0].map(\.name)) == Set(makemore.tensors.map(\.name)))
        for tensor in states[0] { #expect(makemore.tensor(named: tensor.name) == tensor) }
    }
}
