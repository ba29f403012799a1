import Foundation
import Testing
@testable import MakemoreKit

@Suite struct CompareCLITests {
    @Test func compareRunsStagesOnOneSplitAndWritesItsFiles() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<150).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let result = try CLI.run(["compare", "--input", "toy.txt", "--stages", "bigram,neural-bigram", "--out", "report", "--json"], in: directory)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let stages = try #require(object["stages"] as? [[String: Any]])
        #expect(stages.map { $0["model"] as? String } == ["bigram", "neural-bigram"])
        let splits = stages.compactMap { $0["split"] as? [String: Int] }
        #expect(splits.count == 2 && splits[0] == splits[1] && splits[0] == ["train": 120, "val": 15, "test": 15])
        for file in ["compare.md", "compare.json", "val_nll.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report/\(file)").path))
        }
        let unknown = try CLI.run(["compare", "--stages", "bigram,gpt5"], in: directory)
        #expect(unknown.status == 64)
    }

    /// `--save-every` (with `--out`) writes each stage's checkpoint as it trains, and
    /// `--tensorboard DIR` one run per trained stage in `DIR/<stage>/`; a checkpoint evaluates
    /// to the stage's row.
    @Test func compareSavesEveryStageAndLogsEachAsARun() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<150).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let compare = try CLI.run(["compare", "--input", "toy.txt", "--stages", "bigram,neural-bigram", "--out", "out", "--save-every", "30",
                                   "--tensorboard", "tb", "--quiet", "--json"], in: directory)
        #expect(compare.status == 0, "\(compare.stderr)")
        let stages = try #require(JSONParser.parse(compare.stdout)["stages"]?.arrayValue)
        for (stage, row) in zip(["bigram", "neural-bigram"], stages) {
            let eval = try CLI.run(["eval", "--load", "out/\(stage).safetensors", "--json"], in: directory)
            #expect(try JSONParser.parse(eval.stdout)["loss"]?["val"]?.doubleValue == row["loss"]?["val"]?.doubleValue, "\(eval.stderr)")
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("tb").path)
        #expect(runs == ["neural-bigram"])
        let events = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("tb/neural-bigram").path)
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."))
        let noOut = try CLI.run(["compare", "--input", "toy.txt", "--stages", "bigram", "--save-every", "10"], in: directory)
        #expect(noOut.status == 64 && noOut.stderr.contains("--save-every needs --out DIR"))
        let overInput = try CLI.run(["compare", "--input", "out/bigram.safetensors", "--stages", "bigram", "--out", "out", "--save-every", "10"], in: directory)
        #expect(overInput.status == 64, "\(overInput.stderr)")
    }

    /// compare runs each stage in its own process as `makemore <stage>` with the modest budget
    /// would: the same losses and samples.
    @Test func compareGivesTheNumbersOfTheStageCommands() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<150).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let compare = try CLI.run(["compare", "--input", "toy.txt", "--stages", "bigram,neural-bigram", "--seed", "7", "--samples", "4", "--json"],
                                  in: directory)
        #expect(compare.status == 0, "\(compare.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        let stages = try #require(object["stages"] as? [[String: Any]])
        for (stage, flags) in [("bigram", [String]()), ("neural-bigram", ["--steps", "100", "--quiet"])] {
            let single = try CLI.run([stage, "--input", "toy.txt", "--seed", "7", "--samples", "4", "--json"] + flags, in: directory)
            let alone = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
            let inCompare = try #require(stages.first { $0["model"] as? String == stage })
            #expect(alone["loss"] as? [String: Double] == inCompare["loss"] as? [String: Double])
            #expect(alone["samples"] as? [String] == inCompare["samples"] as? [String] && (alone["samples"] as? [String])?.count == 4)
        }
    }

    /// `--ensemble` adds the mixture of the stages run as a last row: weights fitted on val that
    /// sum to 1, a val NLL no worse than the best stage's, in the table, the JSON and the chart.
    @Test func compareEnsembleAddsTheMixturesRow() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<150).map { ["ann", "anna", "bob", "bobby", "cy", "ciara", "abby"][$0 % 7] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let arguments = ["compare", "--input", "toy.txt", "--stages", "bigram,neural-bigram", "--ensemble", "--samples", "2"]
        let result = try CLI.run(arguments + ["--out", "report", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let stages = try #require(try JSONParser.parse(result.stdout)["stages"]?.arrayValue)
        #expect(stages.compactMap { $0["model"]?.stringValue } == ["bigram", "neural-bigram", "ensemble"])
        let members = try #require(stages[2]["ensemble"]?["members"]?.arrayValue)
        #expect(abs(members.compactMap { $0["weight"]?.doubleValue }.reduce(0, +) - 1) < 1e-12)
        let val = stages.compactMap { $0["loss"]?["val"]?.doubleValue }
        #expect(val.count == 3 && val[2] <= min(val[0], val[1]) + 1e-9)
        #expect(stages[2]["samples"]?.arrayValue?.count == 2)
        let svg = try String(contentsOf: directory.appendingPathComponent("report/val_nll.svg"), encoding: .utf8)
        #expect(svg.contains("ensemble"))
        let text = try CLI.run(arguments, in: directory)
        #expect(text.stdout.contains("| ensemble | 162 |") && text.stdout.contains("ensemble weights: bigram "))
    }
}
