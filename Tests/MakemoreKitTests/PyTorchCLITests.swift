import Foundation
import Testing
@testable import MakemoreKit

/// makemore.py's files on the command line: `eval`, `sample` and a stage's `--load` read
/// `model.pt` and bare safetensors, and makemore.py's MLP trains as `makemore-mlp`.
@Suite struct PyTorchCLITests {
    /// A split whose test words are the fixtures' batch and whose vocabulary is a … z, the
    /// fixtures' 27 tokens: `eval --split test` then scores exactly the batch PyTorch scored.
    static func fixtureSplit() throws -> URL {
        let directory = try CLI.temporaryDirectory()
        let batch = try GoldenFixture.expected("gru").words
        try (batch + ["dfgjk", "nquwx", "yz"]).joined(separator: "\n").write(to: directory.appendingPathComponent("train.txt"), atomically: true, encoding: .utf8)
        try batch.joined(separator: "\n").write(to: directory.appendingPathComponent("val.txt"), atomically: true, encoding: .utf8)
        try batch.joined(separator: "\n").write(to: directory.appendingPathComponent("test.txt"), atomically: true, encoding: .utf8)
        return directory
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `makemore eval --load …/model.pt` (and `params.safetensors`) for all six types gives
    /// PyTorch's loss on the batch.
    @Test(arguments: GoldenFixture.types, ["model.pt", "params.safetensors"])
    func evalGivesPyTorchsLoss(type: String, file: String) throws {
        let directory = try Self.fixtureSplit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let heads = type == "transformer" ? ["--heads", "2"] : []
        let result = try CLI.run(["eval", "--load", GoldenFixture.path(type, file), "--split-dir", directory.path, "--split", "test", "--json"] + heads)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result.stdout)
        let kinds = ["bigram": "neural-bigram", "mlp": "makemore-mlp"]
        #expect(object["model"] as? String == kinds[type] ?? type)
        #expect(object["parameters"] as? Int == (try GoldenFixture.expected(type).parameters))
        let loss = try #require((object["loss"] as? [String: Any])?["test"] as? Double)
        #expect(abs(loss - Double(try GoldenFixture.expected(type).loss)) < 1e-5)
        #expect(result.stderr.contains("2 attention heads (--heads)") == (type == "transformer"))
    }

    @Test func stageLoadAndSampleReadStateDicts() throws {
        let directory = try Self.fixtureSplit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stage = try CLI.run(["gru", "--load", GoldenFixture.path("gru", "model.pt"), "--split-dir", directory.path, "--json", "--samples", "3"])
        #expect(stage.status == 0, "\(stage.stderr)")
        let loss = try #require((try Self.json(stage.stdout)["loss"] as? [String: Any])?["test"] as? Double)
        #expect(abs(loss - Double(try GoldenFixture.expected("gru").loss)) < 1e-5)
        let wrong = try CLI.run(["rnn", "--load", GoldenFixture.path("gru", "model.pt"), "--split-dir", directory.path])
        #expect(wrong.status == 1 && wrong.stderr.contains("holds a 'gru' state dict, not 'rnn'"))
        let transformer = try CLI.run(["transformer", "--load", GoldenFixture.path("transformer", "model.safetensors"), "--split-dir", directory.path, "--json"])
        #expect(transformer.status == 0 && transformer.stderr.contains("2 attention heads (the file's n_head)"))
        let sample = try CLI.run(["sample", "--load", GoldenFixture.path("bow", "params.safetensors"), "--split-dir", directory.path, "--count", "4", "--json"])
        #expect(sample.status == 0, "\(sample.stderr)")
        #expect((try Self.json(sample.stdout)["samples"] as? [Any])?.count == 4)
        let defaultHeads = try CLI.run(["sample", "--load", GoldenFixture.path("transformer", "model.pt"), "--split-dir", directory.path, "--count", "1"])
        #expect(defaultHeads.status == 0 && defaultHeads.stderr.contains("4 attention heads (makemore.py's default; give --heads N for another count)"))
    }

    @Test func stateDictsWithoutWordsOrWithBadBytesFailInOneLine() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let noWords = try CLI.run(["eval", "--load", GoldenFixture.path("rnn", "model.pt")])
        #expect(noWords.status == 1 && noWords.stderr.contains("holds no vocabulary: give the words it models with --input FILE or --split-dir DIR"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: GoldenFixture.path("bigram", "model.pt")))
        try bytes.prefix(bytes.count / 2).write(to: directory.appendingPathComponent("truncated.pt"))
        var flipped = [UInt8](bytes)
        flipped[1000] ^= 0x10
        try Data(flipped).write(to: directory.appendingPathComponent("flipped.pt"))
        var hostile = TorchArchiveBuilder.Pickle()
        hostile.global("os", "system"); hostile.string("touch hacked"); hostile.bytes.append(0x85); hostile.op("R"); hostile.op(".")
        try Data(TorchArchiveBuilder.archive(pickle: hostile.bytes)).write(to: directory.appendingPathComponent("hostile.pt"))
        try "emma\nava\n".write(to: directory.appendingPathComponent("w.txt"), atomically: true, encoding: .utf8)
        for name in ["truncated.pt", "flipped.pt", "hostile.pt"] {
            for command in [["eval", "--load", name, "--input", "w.txt"], ["sample", "--load", name, "--input", "w.txt"], ["bow", "--load", name, "--input", "w.txt"]] {
                let result = try CLI.run(command, in: directory)
                #expect(result.status == 1 && result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(name), "\(command): \(result.stderr)")
            }
        }
        #expect(try CLI.run(["eval", "--load", "hostile.pt", "--input", "w.txt"], in: directory).stderr.contains("refusing pickle global \"os.system\""))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("hacked").path))
        let vocabulary = try CLI.run(["eval", "--load", GoldenFixture.path("rnn", "model.pt"), "--input", "w.txt"], in: directory)
        #expect(vocabulary.status == 1 && vocabulary.stderr.contains("the weights have 27 tokens, the vocabulary of the given words has 5"))
    }

    /// `makemore-mlp` trains makemore.py's MLP; `mlp --preset makemore` is the same run.
    @Test func makemoreMLPTrainsSavesAndLoads() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try words.write(to: directory.appendingPathComponent("toy.txt"), atomically: true, encoding: .utf8)
        let common = ["--input", "toy.txt", "--steps", "30", "--quiet", "--json", "--samples", "3", "--embedding", "8", "--hidden", "8"]
        let trained = try CLI.run(["makemore-mlp", "--save", "m.safetensors"] + common, in: directory)
        #expect(trained.status == 0, "\(trained.stderr)")
        var report = try Self.json(trained.stdout)
        #expect(report["model"] as? String == "makemore-mlp")
        #expect(report["parameters"] as? Int == 8 * 8 + (8 * 6 * 8 + 8) + (7 * 8 + 7))  // wte (V+1, 8), mlp.0 (8, 6·8), mlp.2 (V, 8); V = 7, block 6
        let alias = try CLI.run(["mlp", "--preset", "makemore"] + common, in: directory)
        var aliasReport = try Self.json(alias.stdout)
        for key in ["seconds", "train_seconds", "ms_per_step"] { report[key] = nil; aliasReport[key] = nil }
        #expect(NSDictionary(dictionary: report).isEqual(to: aliasReport))
        let eval = try CLI.run(["eval", "--load", "m.safetensors", "--json"], in: directory)
        #expect(eval.status == 0)
        #expect(try Self.json(eval.stdout)["model"] as? String == "makemore-mlp")
        let lectureOption = try CLI.run(["mlp", "--preset", "makemore", "--context", "3"], in: directory)
        #expect(lectureOption.status == 64 && lectureOption.stderr.contains("--preset makemore has no --context"))
    }
}
