import Foundation
import Testing

@Suite struct TransformerCLITests {
    @Test func helpListsTheStageOptions() throws {
        let help = CLI.parse(["transformer", "--help"])
        #expect(help.status == 0)
        for flag in ["--layers N", "--heads N", "--embedding N", "--block-size N", "--dropout P", "--preset NAME",
                     "--temperature T", "--top-k K", "--prefix TEXT", "--batch-size N", "--weight-decay L",
                     "--weight-decay-on WHAT", "(default: matrices)", "--ema DECAY|off", "(default: 0.999)", "--sampling ORDER", "(default: epochs)",
                     "--positions KIND", "(default: learned)", "learned (makemore.py's wpe table) | sinusoidal", "--activation NAME", "(default: gelu)", "| relu"] {
            #expect(help.stdout.contains(flag), "missing \(flag)")
        }
    }

    @Test func tinyJSONRunOnToyWords() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let arguments = ["transformer", "--input", "toy.txt", "--json", "--steps", "30", "--layers", "1", "--heads", "2",
                         "--embedding", "8", "--samples", "4", "--prefix", "b", "--top-k", "3", "--quiet"]
        let result = try CLI.run(arguments, in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "transformer" && object["steps"] as? Int == 30)
        let configuration = try #require(object["config"] as? [String: Any])
        #expect(configuration["block_size"] as? Int == 6 && configuration["n_embd"] as? Int == 8)
        let samples = try #require(object["samples"] as? [String])
        #expect(samples.count == 4 && samples.allSatisfy { $0.hasPrefix("b") && $0.count <= 5 })
        #expect(object["ema_decay"] as? Double == 0.999 && object["sampling"] as? String == "epochs")
        let preset = try CLI.run(["transformer", "--input", "toy.txt", "--json", "--steps", "3", "--preset", "makemore", "--samples", "0", "--quiet"],
                                 in: directory)
        #expect(preset.status == 0, "\(preset.stderr)")
        let presetObject = try #require(try JSONSerialization.jsonObject(with: Data(preset.stdout.utf8)) as? [String: Any])
        #expect(presetObject["ema_decay"] == nil)  // makemore.py keeps no moving average
        #expect(presetObject["sampling"] as? String == "replacement")  // and draws with replacement
    }

    @Test func badPrefixAndPresetConflictsAreOneLineErrors() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("ann\nbob\ncy\nann\nbob\ncy\nann\nbob\ncy\nann\n".utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let prefix = try CLI.run(["transformer", "--input", "toy.txt", "--prefix", "q", "--steps", "1"], in: directory)
        // A usage error, as `sample --prefix q` is: one line, the message then the --help hint.
        #expect(prefix.status == 64 && prefix.stderr.split(separator: "\n").count == 1 && prefix.stderr.contains("prefix 'q'"))
        let preset = try CLI.run(["transformer", "--input", "toy.txt", "--preset", "makemore", "--lr", "1"], in: directory)
        #expect(preset.status == 64 && preset.stderr.contains("--preset makemore fixes --lr"))
    }

    @Test func sinusoidalReLURunSavesAndSamplesItsCheckpoint() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let run = try CLI.run(["transformer", "--input", "toy.txt", "--json", "--steps", "20", "--layers", "1", "--heads", "2", "--embedding", "6",
                               "--positions", "sinusoidal", "--activation", "relu", "--samples", "0", "--quiet", "--save", "m.safetensors"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let configuration = try #require(object["config"] as? [String: Any])
        #expect(configuration["positions"] as? String == "sinusoidal" && configuration["activation"] as? String == "relu")
        // The learned model has block_size (6) × n_embd (6) parameters more.
        let learned = try CLI.run(["transformer", "--input", "toy.txt", "--json", "--steps", "1", "--layers", "1", "--heads", "2", "--embedding", "6",
                                   "--samples", "0", "--quiet"], in: directory)
        let learnedObject = try #require(try JSONSerialization.jsonObject(with: Data(learned.stdout.utf8)) as? [String: Any])
        #expect((learnedObject["parameters"] as? Int).map { $0 - 6 * 6 } == object["parameters"] as? Int)
        #expect((learnedObject["config"] as? [String: Any])?["positions"] == nil)  // makemore.py's config keys only
        let sample = try CLI.run(["sample", "--load", "m.safetensors", "--count", "3", "--json"], in: directory)
        #expect(sample.status == 0, "\(sample.stderr)")
        let eval = try CLI.run(["eval", "--load", "m.safetensors", "--json"], in: directory)
        let evalObject = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let losses = try #require(object["loss"] as? [String: Double]), evalLosses = try #require(evalObject["loss"] as? [String: Double])
        #expect(abs(losses["val"]! - evalLosses["val"]!) < 1e-6, "\(losses) vs \(evalLosses)")
    }

    @Test func badPositionsAndActivationAreUsageErrors() throws {
        for (flag, value) in [("positions", "rotary"), ("activation", "swish"), ("positions", "")] {
            let result = CLI.parse(["transformer", "--\(flag)", value, "--steps", "1"])
            #expect(result.status == 64 && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("--\(flag)"))
        }
        let preset = CLI.parse(["transformer", "--preset", "makemore", "--activation", "relu"])
        #expect(preset.status == 64 && preset.stderr.contains("--preset makemore fixes --activation (gelu)"))
    }
}
