import Foundation
import Testing

/// `--sample-every N` shows samples while training and leaves the run's numbers unchanged.
@Suite struct SampleEveryCLITests {
    @Test(arguments: [["mlp", "--embedding", "4", "--hidden", "16"], ["transformer", "--layers", "1", "--heads", "2", "--embedding", "8"],
                      ["neural-bigram"]])
    func samplesEveryNStepsWithoutChangingTheRun(stage: [String]) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let arguments = stage + ["--input", "toy.txt", "--steps", "6", "--samples", "3", "--json", "--quiet"]
        let plain = try CLI.run(arguments, in: directory)
        let sampled = try CLI.run(arguments + ["--sample-every", "3"], in: directory)
        #expect(plain.status == 0 && sampled.status == 0, "\(sampled.stderr)")
        func numbers(_ json: String) -> String { json.replacingOccurrences(of: #""(seconds|train_seconds|ms_per_step|steps_per_second)":[0-9.e+-]+"#, with: "", options: .regularExpression) }
        #expect(numbers(plain.stdout) == numbers(sampled.stdout))
        let lines = sampled.stderr.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("step 3 samples: ") && lines[1].hasPrefix("step 6 samples: "), "\(sampled.stderr)")
        for line in lines {
            let tags = line.components(separatedBy: " (").dropFirst().map { $0.prefix { $0 != ")" } }
            #expect(tags.count == 5 && tags.allSatisfy { $0 == "new" || $0 == "in train" }, "\(line)")
        }
        #expect(try CLI.run(arguments + ["--sample-every", "0"], in: directory).status == 64)
    }
}
