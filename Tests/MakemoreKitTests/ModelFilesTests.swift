import Foundation
import MakemoreKit
import Testing

/// What `makemore eval`, `sample` and `score` do, called in-process: `ModelFiles` reads saved
/// stages (and their ensemble), `evaluation` agrees with the stage's own losses, `sample`
/// repeats under a seed and tags its words, `WordScoreTable` ranks words and draws charts.
@Suite struct ModelFilesTests {
    static let words = (0..<90).map { ["ann", "anna", "bob", "bobby", "cy", "zoe"][$0 % 6] }

    /// Two saved stages (a count bigram and a short neural bigram run) in a fresh directory.
    static func saved() throws -> (directory: String, paths: [String], stages: [Stage]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelfiles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var stages: [Stage] = []
        for (name, configuration) in [("bigram", StageConfiguration.bigram(smoothing: 1)), ("neural", .neuralBigram(l2: 0.01))] {
            var run = StageRun(configuration) { try DatasetSplit(shuffling: words, seed: 3, valFraction: 0.2, testFraction: 0.1) }
            if configuration.kind != .bigram { run.training = StageRun.Training(TrainingConfiguration(steps: 5, learningRate: 1, batchSize: 16)) }
            run.outputs.checkpoint = directory + "/\(name).safetensors"
            stages.append(try run.run().stage)
        }
        return (directory, [directory + "/bigram.safetensors", directory + "/neural.safetensors"], stages)
    }

    @Test func evaluationAgreesWithTheSavedStage() throws {
        let (directory, paths, stages) = try Self.saved()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try ModelFiles(paths: [paths[0]], words: { try DatasetSplit(shuffling: Self.words, seed: 3, valFraction: 0.2, testFraction: 0.1) })
        #expect(files.ensemble == nil && files.model.kind == "bigram")
        let evaluation = try files.model.evaluation(on: [.val, .test], source: paths[0])
        #expect(evaluation.results.map(\.split) == [.val, .test])
        let expected = try #require(stages[0].evaluate(.val))
        #expect(evaluation.results[0].result?.nll == expected.nll)
        #expect(evaluation.text.hasPrefix("val   NLL "))
    }

    @Test func samplesRepeatUnderASeedAndAreTagged() throws {
        let (directory, paths, _) = try Self.saved()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try ModelFiles(paths: [paths[1]]).model
        let a = try model.sample(count: 12, prefix: "b", seed: 7), b = try model.sample(count: 12, prefix: "b", seed: 7)
        #expect(a.words == b.words && a.words.count == 12 && a.words.allSatisfy { $0.hasPrefix("b") })
        let tags = try #require(a.tags)
        #expect(tags.count == 12 && a.newCount == tags.count { $0 == .new })
        #expect(a.text.hasSuffix("\(a.newCount!) of 12 are new"))
        #expect(throws: MakemoreError.self) { try model.sample(count: -1) }
        #expect(throws: MakemoreError.self) { try model.sample(count: 1, prefix: "é") }
        #expect(throws: MakemoreError.self) { try model.sample(count: 1, temperature: -1) }
    }

    @Test func scoreTableRanksWordsUnderEachModelAndTheirEnsemble() throws {
        let (directory, paths, _) = try Self.saved()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try ModelFiles(paths: paths, combination: .mixture)
        #expect(files.ensemble?.members.count == 2 && files.model.kind == "ensemble")
        var notes: [String] = []
        let table = try WordScoreTable(words: ["anna", "zzzz"], files: files) { notes.append($0) }
        #expect(notes.isEmpty && table.columns.count == 3 && table.columns[2].path == "mixture")
        #expect(table.columns.allSatisfy { $0.percentiles?.allSatisfy((0...100).contains) == true })
        // Under the count bigram, a training word is more likely than a made-up one.
        let bigram = table.columns[0]
        #expect(bigram.scores[0].totalNLL < bigram.scores[1].totalNLL && bigram.percentiles![0] < bigram.percentiles![1])
        let text = try table.text()
        #expect(text.hasPrefix("mixture of 2 models") && text.contains("bigram (bigram.safetensors)") && text.contains("  total NLL"))
        #expect(try table.probabilityChart().series.count == 3)
        #expect(try table.embeddingChart() == nil && table.attentionChart() == nil)
        #expect(throws: MakemoreError.self) { try WordScoreTable(words: ["an1"], files: files) }
        #expect(throws: MakemoreError.self) { try WordScoreTable(words: [], files: files) }
    }

    @Test func wordsAreReadOnceAndFilesAreRequired() throws {
        #expect(DatasetSplit.reader(input: nil, splitDirectory: nil) == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("modelfiles-\(UUID().uuidString).txt").path
        try (Self.words.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var removed: [Int] = []
        let read = try #require(DatasetSplit.reader(input: path, splitDirectory: nil, dedupe: true) { removed.append($0) })
        let first = try read(), second = try read()
        #expect(first.allWords.count == 6 && first.allWords == second.allWords && removed == [84])
        #expect(throws: MakemoreError.self) { try ModelFiles(paths: []) }
        #expect(throws: MakemoreError.self) { try ModelFiles(paths: [path]) }
    }
}
