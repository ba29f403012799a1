import Foundation
import Testing

@Suite struct WaveNetCLITests {
    @Test func helpListsTheStageOptions() throws {
        let help = CLI.parse(["wavenet", "--help"])
        #expect(help.status == 0)
        for option in ["--context K", "(default: 8)", "--embedding D", "(default: 24)", "--hidden H", "(default: 128)",
                       "--decay-at STEP", "(default: 150000 (75 % of --steps))", "(default: 200000)", "--save FILE", "--plot-loss FILE.svg", "--diagnose"] {
            #expect(help.stdout.contains(option), "missing \(option)")
        }
        #expect(CLI.parse(["--help"]).stdout.contains("wavenet"))
    }

    @Test func aTinyJSONRunSavesALoadableCheckpoint() throws {
        let directory = try MLPCLITests.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["wavenet", "--input", "toy.txt", "--steps", "40", "--context", "4", "--embedding", "4", "--hidden", "8",
                                  "--json", "--quiet", "--samples", "3", "--save", "w.safetensors"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "wavenet" && object["steps"] as? Int == 40)
        #expect((object["samples"] as? [String])?.count == 3)
        let configuration = try #require(object["configuration"] as? [String: Any])
        #expect(configuration["context_length"] as? Int == 4 && configuration["hidden_size"] as? Int == 8)
        #expect(object["batch_norm_calibrated"] as? Bool == true)
        let val = try #require((object["loss"] as? [String: Any])?["val"] as? Double)
        let loaded = try CLI.run(["wavenet", "--load", "w.safetensors", "--json", "--samples", "0"], in: directory)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let reloaded = try #require(try JSONSerialization.jsonObject(with: Data(loaded.stdout.utf8)) as? [String: Any])
        #expect((reloaded["loss"] as? [String: Any])?["val"] as? Double == val)  // the checkpoint holds the calibrated statistics
        #expect(reloaded["batch_norm_calibrated"] as? Bool == false)
    }

    @Test(arguments: [["wavenet", "--context", "6"], ["wavenet", "--context", "1"], ["wavenet", "--batch-size", "1"]])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasSuffix(" --help')"))
        if arguments.contains("6") { #expect(lines[0].contains("power of two")) }
    }
}
