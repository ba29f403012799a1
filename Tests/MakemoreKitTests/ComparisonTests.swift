import Foundation
import MakemoreKit
import Testing

/// `Comparison` called in-process, as a program would (the public API only): the stages run on
/// one split within their budgets, typed rows, the table, JSON and files made from them, and a
/// model registered outside the package compared like the built-in ones.
@Suite struct ComparisonTests {
    @Test func aComparisonIncludesARegisteredModelAndTheEnsemble() throws {
        let custom = CustomModelTests.kind  // registers the test's own model
        #expect(Comparison.ladder.map(\.kind).contains(custom))
        let dataset = try CustomModelTests.dataset()
        var comparison = Comparison(stages: [StageKind.bigram, .neuralBigram, custom].map(\.definition))
        comparison.ensemble = true
        comparison.samples = 2
        comparison.seed = 9
        var events: [String] = []
        let result = try comparison.run(on: dataset) { event in
            switch event {
            case .running(let kind): events.append(kind.rawValue)
            case .fittingEnsemble: events.append("ensemble")
            case .stage: break
            }
        }
        #expect(events == ["bigram", "neural-bigram", "previous-token", "ensemble"])
        #expect(result.rows.map(\.model) == ["bigram", "neural-bigram", "previous-token", "ensemble"])
        #expect(result.stages.map(\.kind) == [.bigram, .neuralBigram, custom])
        #expect(result.rows.dropLast().map(\.steps) == [nil, 100, 20])  // each stage's compareBudget
        #expect(zip(result.rows, result.stages).allSatisfy { $0.parameters == $1.parameterCount })
        #expect(result.rows.allSatisfy { row in SplitName.allCases.allSatisfy { (row.losses[$0] ?? nil)?.nll.isFinite == true } && row.samples.count == 2 })
        let members = try #require(result.ensembleMembers)
        #expect(members.map(\.model) == ["bigram", "neural-bigram", "previous-token"] && abs(members.map(\.weight).reduce(0, +) - 1) < 1e-12)

        // The custom stage's row is what running it alone with the same budget gives.
        var alone = StageRun(custom.defaultConfiguration) { dataset.split }
        (alone.dataset, alone.seed, alone.samples) = (dataset, 9, 2)
        alone.training = StageRun.Training(custom.definition.comparisonTraining(full: false))
        let report = try alone.run().report
        #expect(report.losses[.val] == result.rows[2].losses[.val] && report.samples == result.rows[2].samples)

        let lines = result.table.split(separator: "\n")
        #expect(lines.count == 6 && lines[4].hasPrefix("| previous-token | \(result.rows[2].parameters) | "))
        #expect(result.sampleLines.last?.hasPrefix("ensemble weights: bigram ") == true)
        let json = result.json
        #expect(json["budget"]?.stringValue == "modest" && json["stages"]?.arrayValue?.count == 4)
        #expect(json["stages"]?.arrayValue?[2]["model"]?.stringValue == "previous-token")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("comparison-\(UUID().uuidString)/report").path
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        try result.write(to: directory)
        for name in Comparison.Result.fileNames { #expect(FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name))) }
        let markdown = try String(contentsOfFile: (directory as NSString).appendingPathComponent("compare.md"), encoding: .utf8)
        #expect(markdown.hasPrefix(result.table + "\n\n- bigram samples: "))
    }

    @Test func fullTrainsEveryStageWithItsDefaults() throws {
        var comparison = Comparison(stages: [CustomModelTests.kind.definition])
        comparison.full = true
        let result = try comparison.run(on: try CustomModelTests.dataset())
        #expect(result.rows.map(\.steps) == [30] && result.json["budget"]?.stringValue == "full" && result.ensembleMembers == nil)
    }

    @Test func aComparisonChecksItsValues() throws {
        let dataset = try CustomModelTests.dataset()
        for samples in [-1, 1001] {
            var comparison = Comparison(stages: [StageKind.bigram.definition])
            comparison.samples = samples
            #expect(throws: MakemoreError.self) { try comparison.run(on: dataset) }
        }
        var comparison = Comparison(stages: [StageKind.bigram.definition])
        comparison.saveEvery = 10  // no directory for the checkpoints
        #expect(throws: MakemoreError.needs(name: "save_every", needed: "checkpoints")) { try comparison.run(on: dataset) }
        comparison.saveEvery = 0
        comparison.checkpoints = FileManager.default.temporaryDirectory.path
        #expect(throws: MakemoreError.self) { try comparison.run(on: dataset) }
    }

    /// Stages are named from the ladder; the output directories are checked before any words are
    /// read (a file, or files that would replace the words), and `run` writes the results there.
    @Test func aComparisonChecksItsNamesAndDirectories() throws {
        #expect(throws: MakemoreError.unknownStage(name: "bigrm", known: Comparison.ladder.map(\.kind.rawValue))) {
            try Comparison(stageNames: ["bigram", "bigrm"])
        }
        #expect(try Comparison(stageNames: ["neural-bigram", "bigram"]).stages.map(\.kind.rawValue) == ["neural-bigram", "bigram"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("comparison-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let words = directory + "/compare.md"
        try "ann\nbob\n".write(toFile: words, atomically: true, encoding: .utf8)
        var comparison = try Comparison(stageNames: ["bigram"])
        comparison.results = words
        #expect(throws: MakemoreError.invalidOutput(name: "results", path: words, reason: "is a file, not a directory")) { try comparison.validate() }
        comparison.results = directory
        comparison.source = SplitRecord(input: words, directory: nil, seed: 1, valFraction: 0.1, testFraction: 0.1)
        #expect(throws: MakemoreError.invalidOutput(name: "results", path: words, reason: "is also an input; write the output elsewhere")) {
            try comparison.validate()
        }
        comparison.source = nil
        comparison.results = directory + "/out"
        comparison.samples = 1
        _ = try comparison.run(on: CustomModelTests.dataset())
        #expect(Comparison.Result.fileNames.allSatisfy { FileManager.default.fileExists(atPath: directory + "/out/" + $0) })
    }
}
