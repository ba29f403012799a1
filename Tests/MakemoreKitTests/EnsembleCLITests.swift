import Foundation
import Testing
@testable import MakemoreKit

/// `eval`, `sample` and `score` with several `--load` files: ensembles of this project's
/// checkpoints and makemore.py's files, through the binary.
@Suite(.serialized) struct EnsembleCLITests {
    /// The PyTorch fixtures' split (vocabulary a … z) in parts/, a bigram and an MLP trained on
    /// it, a bigram on another split of the same words and one on words of another vocabulary.
    static let fixture: Result<URL, Error> = Result {
        let directory = try PyTorchCLITests.fixtureSplit()
        let parts = directory.appendingPathComponent("parts")
        try FileManager.default.createDirectory(at: parts, withIntermediateDirectories: true)
        for name in ["train.txt", "val.txt", "test.txt"] {
            try FileManager.default.moveItem(at: directory.appendingPathComponent(name), to: parts.appendingPathComponent(name))
        }
        let words = try String(contentsOf: parts.appendingPathComponent("train.txt"), encoding: .utf8)
        try String(repeating: words + "\n", count: 10).write(to: directory.appendingPathComponent("words.txt"), atomically: true, encoding: .utf8)
        try "xyz\nzyx\nyy\n".write(to: directory.appendingPathComponent("other.txt"), atomically: true, encoding: .utf8)
        for arguments in [["bigram", "--split-dir", "parts", "--save", "bigram.safetensors"],
                          ["mlp", "--split-dir", "parts", "--steps", "40", "--embedding", "4", "--hidden", "16", "--save", "mlp.safetensors", "--quiet"],
                          ["bigram", "--input", "words.txt", "--seed", "42", "--save", "split42.safetensors"],
                          ["bigram", "--input", "words.txt", "--seed", "7", "--save", "split7.safetensors"],
                          ["bigram", "--input", "other.txt", "--save", "other.safetensors"]] {
            let result = try CLI.run(arguments + ["--samples", "0"], in: directory)
            guard result.status == 0 else { throw MakemoreError.mismatch("fixture \(arguments) failed: \(result.stderr)") }
        }
        return directory
    }

    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, in: Self.fixture.get()) }

    func json(_ result: CLI.Result) throws -> JSONValue {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout)
    }

    /// This project's checkpoints and makemore.py's model.pt and bare safetensors in one
    /// mixture: each member's val NLL is its own `eval`'s, the weights sum to 1, and the ensemble's
    /// val NLL (fitted there) is no worse than the best member's.
    @Test func evalOfCheckpointsAndMakemorePyFiles() throws {
        let files = ["bigram.safetensors", "mlp.safetensors", GoldenFixture.path("gru", "model.pt"), GoldenFixture.path("transformer", "params.safetensors")]
        let report = try json(run(["eval", "--split-dir", "parts", "--heads", "2", "--json"] + files.flatMap { ["--load", $0] }))
        #expect(report["model"]?.stringValue == "ensemble")
        let ensemble = try #require(report["ensemble"])
        #expect(ensemble["combination"]?.stringValue == "mixture" && ensemble["fitted"] == .bool(true))
        let members = try #require(ensemble["members"]?.arrayValue)
        #expect(members.compactMap { $0["model"]?.stringValue } == ["bigram", "mlp", "gru", "transformer"])
        let weights = members.compactMap { $0["weight"]?.doubleValue }
        #expect(weights.count == 4 && weights.allSatisfy { $0 >= 0 } && abs(weights.reduce(0, +) - 1) < 1e-12)
        for (file, member) in zip(files, members) {
            let alone = try json(run(["eval", "--load", file, "--split-dir", "parts", "--heads", "2", "--split", "val", "--json"]))
            #expect(member["val_loss"]?.doubleValue == alone["loss"]?["val"]?.doubleValue)
        }
        let val = try #require(report["loss"]?["val"]?.doubleValue)
        #expect(val <= members.compactMap { $0["val_loss"]?.doubleValue }.min()! + 1e-9)
        let text = try run(["eval", "--split-dir", "parts", "--heads", "2"] + files.flatMap { ["--load", $0] })
        #expect(text.stdout.hasPrefix("mixture of 4 models, weights fitted on val by EM"))
    }

    /// One file given as an ensemble evaluates and samples exactly as the file alone.
    @Test(arguments: ["mixture", "product"])
    func oneFileEnsembleIsTheFile(combination: String) throws {
        for command in [["eval", "--json"], ["sample", "--count", "20", "--prefix", "b", "--top-k", "5", "--temperature", "0.8", "--json"]] {
            let alone = try json(run(command + ["--load", "mlp.safetensors"]))
            let ensemble = try json(run(command + ["--load", "mlp.safetensors", "--ensemble", combination]))
            #expect(ensemble["loss"] == alone["loss"] && ensemble["samples"] == alone["samples"])
            #expect(ensemble["ensemble"]?["members"]?.arrayValue?.first?["weight"]?.doubleValue == 1)
        }
    }

    /// Given weights are divided by their sum and not fitted; a product samples with a prefix.
    @Test func givenWeightsAndAProduct() throws {
        let report = try json(run(["eval", "--load", "bigram.safetensors", "--load", "mlp.safetensors", "--ensemble", "product", "--weights", "1,3", "--json"]))
        #expect(report["ensemble"]?["fitted"] == .bool(false))
        #expect(report["ensemble"]?["members"]?.arrayValue?.compactMap { $0["weight"]?.doubleValue } == [0.25, 0.75])
        let samples = try json(run(["sample", "--load", "bigram.safetensors", "--load", "mlp.safetensors", "--ensemble", "product", "--prefix", "b", "--json"]))
        let words = try #require(samples["samples"]?.arrayValue?.compactMap { $0["word"]?.stringValue })
        #expect(words.count == 10 && words.allSatisfy { $0.hasPrefix("b") })
    }

    /// `score --ensemble` adds the ensemble's column after the files'.
    @Test func scoreAddsTheEnsemblesColumn() throws {
        let report = try json(run(["score", "anna", "--load", "bigram.safetensors", "--load", "mlp.safetensors", "--ensemble", "mixture", "--json"]))
        #expect(report["models"]?.arrayValue?.compactMap { $0["model"]?.stringValue } == ["bigram", "mlp", "ensemble"])
        #expect(report["words"]?.arrayValue?.first?["scores"]?.arrayValue?.count == 3)
        #expect(report["ensemble"]?["members"]?.arrayValue?.count == 2)
    }

    @Test func mismatchesAreRefusedInOneLineNamingTheFiles() throws {
        let vocabulary = try run(["eval", "--load", "bigram.safetensors", "--load", "other.safetensors"])
        #expect(vocabulary.status == 1)
        #expect(vocabulary.stderr.hasPrefix("makemore eval: error: bigram.safetensors and other.safetensors have different vocabularies"))
        let split = try run(["sample", "--load", "split42.safetensors", "--load", "split7.safetensors"])
        #expect(split.status == 1)
        #expect(split.stderr.hasPrefix("makemore sample: error: split42.safetensors and split7.safetensors were trained on different splits"))
        for result in [vocabulary, split] { #expect(result.stderr.split(separator: "\n").count == 1) }
        for arguments in [["--weights", "1"], ["--weights", "1,-1"], ["--weights", "0,0"], ["--weights", "1,x"], ["--ensemble", "median"]] {
            let usage = try run(["eval", "--load", "bigram.safetensors", "--load", "mlp.safetensors"] + arguments)
            #expect(usage.status == 64, "\(arguments)")
        }
    }
}
