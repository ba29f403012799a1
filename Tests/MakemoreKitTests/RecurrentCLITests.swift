import Foundation
import Testing

@Suite struct RecurrentCLITests {
    @Test(arguments: ["rnn", "gru", "lstm", "bow"])
    func helpListsTheStageOptions(stage: String) throws {
        let help = CLI.parse([stage, "--help"])
        #expect(help.status == 0)
        for flag in ["--embedding N", "--hidden N", "--block-size N", "--temperature T", "--top-k K", "--prefix TEXT",
                     "--batch-size N", "--weight-decay L", "--save FILE", "--load FILE", "--json"] {
            #expect(help.stdout.contains(flag), "missing \(flag)")
        }
        #expect(CLI.parse(["--help"]).stdout.contains("  \(stage) "))
    }

    @Test(arguments: ["rnn", "gru", "lstm", "bow"])
    func tinyJSONRunSavesAndLoads(stage: String) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let arguments = [stage, "--input", "toy.txt", "--json", "--steps", "30", "--embedding", "8", "--hidden", "12",
                         "--samples", "4", "--prefix", "b", "--top-k", "3", "--quiet", "--save", "model.safetensors"]
        let result = try CLI.run(arguments, in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == stage && object["steps"] as? Int == 30)
        let configuration = try #require(object["config"] as? [String: Any])
        #expect(configuration["block_size"] as? Int == 6 && configuration["n_embd"] as? Int == 8 && configuration["n_embd2"] as? Int == 12)
        let samples = try #require(object["samples"] as? [String])
        #expect(samples.count == 4 && samples.allSatisfy { $0.hasPrefix("b") && $0.count <= 5 })
        let loss = try #require(object["loss"] as? [String: Any])

        let loaded = try CLI.run([stage, "--load", "model.safetensors", "--json", "--samples", "0"], in: directory)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let reloaded = try #require(try JSONSerialization.jsonObject(with: Data(loaded.stdout.utf8)) as? [String: Any])
        #expect((reloaded["loss"] as? [String: Any])?["val"] as? Double == loss["val"] as? Double)
        let sampled = try CLI.run(["sample", "--load", "model.safetensors", "--count", "2"], in: directory)
        #expect(sampled.status == 0, "\(sampled.stderr)")
        let evaluated = try CLI.run(["eval", "--load", "model.safetensors", "--json"], in: directory)
        #expect(evaluated.status == 0 && evaluated.stdout.contains("\"model\":\"\(stage)\""), "\(evaluated.stderr)")
        let scored = try CLI.run(["score", "bob", "--load", "model.safetensors"], in: directory)
        #expect(scored.status == 0, "\(scored.stderr)")
    }
}
