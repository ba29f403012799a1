import Foundation
import Testing
@testable import MakemoreKit

/// The LSTM against PyTorch's `nn.LSTMCell` (Fixtures/lstm-torch/make_fixture.py: makemore.py's
/// recurrent model with that cell, its `start` drawn so the path through h₋₁ counts): the bare
/// state dict is recognised by its keys and imported, then the logits of every position of the
/// padded batch, the loss and every parameter's gradient are checked as `GoldenTests` checks
/// makemore.py's models.
struct LSTMGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/lstm-torch")

    /// `expected.json`.
    struct Expected: Decodable {
        struct Config: Decodable {
            let vocabSize: Int, blockSize: Int, nEmbd: Int, nEmbd2: Int
            enum CodingKeys: String, CodingKey { case vocabSize = "vocab_size", blockSize = "block_size", nEmbd = "n_embd", nEmbd2 = "n_embd2" }
        }
        let config: Config
        let X: [[Int32]]
        let Y: [[Int32]]
        let loss: Float
        let logits: [Float]
        let parameters: Int
    }

    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    @Test func matchesPyTorch() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.path("expected.json"))))
        let file = try SafetensorsFile.read(path: Self.path("model.safetensors"))
        let imported = try ImportedModel(stateDict: file, blockSize: expected.config.blockSize, source: Self.path("model.safetensors"))
        let model = try #require(imported.model as? LSTM)
        #expect(model.configuration.embedding == expected.config.nEmbd && model.configuration.hidden == expected.config.nEmbd2)
        #expect(model.parameterCount == expected.parameters && model.vocabularySize == expected.config.vocabSize)

        var batch = PackedSequences()
        for (x, y) in zip(expected.X, expected.Y) { batch.append(inputs: x, targets: y) }
        let logits = model.logits(batch)
        #expect(logits.shape == [batch.rows, expected.config.vocabSize])
        let logitError = zip(logits.values, expected.logits).map { abs($0 - $1) }.max() ?? .infinity
        #expect(logits.count == expected.logits.count && logitError <= 1e-5, "largest logit error \(logitError)")

        let loss = crossEntropy(logits: logits, targets: expected.Y.flatMap { $0 }, ignoreIndex: SequenceExamples.ignoreIndex)
        #expect(abs(loss.item - expected.loss) <= 1e-6, "loss \(loss.item), PyTorch \(expected.loss)")

        model.setTraining(true)
        loss.backward()
        try GoldenTests.expectGradients(of: model, equal: Self.path("grads.safetensors"), label: "lstm")
    }

    /// The state dict records no block size (a recurrence has no positional table): without
    /// the words' it is refused with the file named; our own LSTM's state dict round-trips.
    @Test func aBareLSTMStateDictNeedsItsBlockSizeAndRoundTrips() throws {
        let file = try SafetensorsFile.read(path: Self.path("model.safetensors"))
        #expect { try ImportedModel(stateDict: file, source: "lstm.safetensors") } throws: { error in
            "\(error)".hasPrefix("lstm.safetensors:")
        }
        var generator = RandomGenerator(seed: 3)
        let ours = try LSTM(configuration: SequenceModelConfiguration(vocabularySize: 5, blockSize: 6, embedding: 3, hidden: 4), using: &generator)
        let again = try ImportedModel(stateDict: SafetensorsFile(tensors: ours.stateTensors()), blockSize: 6, source: "ours")
        #expect(again.model.stateTensors() == ours.stateTensors())
    }

    /// The command line takes the bare LSTM state dict as it takes makemore.py's: `eval --load`
    /// with the words it models (every letter, so the vocabulary has the weights' 27 tokens).
    @Test func theCommandLineEvaluatesABareLSTMStateDict() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "quinn", "xavier", "zoe", "jack", "wyatt", "kobe",
                     "brody", "fletcher", "gus", "max", "mia", "liam", "noah", "ella"]
        try words.joined(separator: "\n").write(to: directory.appendingPathComponent("names.txt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["eval", "--load", Self.path("model.safetensors"), "--input", "names.txt", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        #expect(report["model"]?.stringValue == "lstm")
    }
}
