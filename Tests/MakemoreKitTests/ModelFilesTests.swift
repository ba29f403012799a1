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

    /// `makemore score`'s pictures are checked against the inputs, the word lists the files
    /// record, and what the first model has, before anything is written.
    @Test func scorePicturesAreCheckedAgainstTheFilesAndTheirModels() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelfiles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (wordsFile, checkpoint) = (directory + "/words.txt", directory + "/bigram.safetensors")
        try Self.words.joined(separator: "\n").write(toFile: wordsFile, atomically: true, encoding: .utf8)
        let source = SplitRecord(input: wordsFile, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
        var run = StageRun(.bigram(smoothing: 1)) { try source.load() }
        (run.source, run.samples, run.outputs.checkpoint) = (source, 1, checkpoint)
        _ = try run.run()
        let files = try ModelFiles(paths: [checkpoint])
        #expect(throws: MakemoreError.invalidOutput(name: "probability_plot", path: wordsFile, reason: "is also an input; write the output elsewhere")) {
            try WordScoreTable.Plots(probabilities: wordsFile).validate(files, inputs: [])
        }
        #expect(throws: MakemoreError.inFile(path: checkpoint, .lacking(name: "embedding_plot", model: "bigram", part: "character embedding to plot", needs: nil))) {
            try WordScoreTable.Plots(embedding: directory + "/e.svg").validate(files, inputs: [])
        }
        #expect(throws: MakemoreError.inFile(path: checkpoint, .lacking(name: "attention_plot", model: "bigram", part: "attention", needs: "a transformer"))) {
            try WordScoreTable.Plots(attention: directory + "/a.svg").validate(files, inputs: [])
        }
        var lines = ["  anna ", "", "bob"][...]
        #expect(WordScoreTable.words { lines.popFirst() } == ["anna", "bob"])
        try WordScoreTable.Plots(probabilities: directory + "/p.svg").write(WordScoreTable(words: ["anna"], files: files))
        #expect(FileManager.default.fileExists(atPath: directory + "/p.svg"))
    }

    /// The rules of the words asked for, as `SplitRecord.validate` (a stage's split) and
    /// `DatasetSplit.validateReader` (the words model files are read against) declare them.
    @Test func theWordsAskedForFollowTheirRules() throws {
        func split(input: String? = "w.txt", directory: String? = nil, val: Double = 0.1, test: Double = 0.1, dedupe: Bool = false) -> SplitRecord {
            SplitRecord(input: input, directory: directory, seed: 1, valFraction: val, testFraction: test, dedupe: dedupe)
        }
        try split().validate()
        try split(input: nil, directory: "d").validate()
        #expect(throws: MakemoreError.conflict(.noTrainingWords(valFraction: 0.5, testFraction: 0.5))) { try split(val: 0.5, test: 0.5).validate() }
        #expect(throws: MakemoreError.conflict(.both("input", "split_directory"))) { try split(directory: "d").validate() }
        #expect(throws: MakemoreError.conflict(.dedupeOfDirectory)) { try split(input: nil, directory: "d", dedupe: true).validate() }
        var run = StageRun(.bigram(smoothing: 1)) { try DatasetSplit(shuffling: Self.words, seed: 3, valFraction: 0.2, testFraction: 0.1) }
        run.source = split(val: 1, test: 0)
        #expect(throws: MakemoreError.conflict(.noTrainingWords(valFraction: 1, testFraction: 0))) { try run.run() }

        try DatasetSplit.validateReader(input: "w.txt", splitDirectory: nil, encoding: .latin1, dedupe: true)
        try DatasetSplit.validateReader(input: nil, splitDirectory: nil, encoding: nil, dedupe: false)
        #expect(throws: MakemoreError.conflict(.both("input", "split_directory"))) {
            try DatasetSplit.validateReader(input: "w.txt", splitDirectory: "d", encoding: nil, dedupe: false)
        }
        #expect(throws: MakemoreError.conflict(.dedupeWithoutWordList)) {
            try DatasetSplit.validateReader(input: nil, splitDirectory: "d", encoding: nil, dedupe: true)
        }
        #expect(throws: MakemoreError.conflict(.encodingWithoutWords(.latin1))) {
            try DatasetSplit.validateReader(input: nil, splitDirectory: nil, encoding: .latin1, dedupe: false)
        }
        // Model files are read only once the words asked for pass their rules.
        #expect(throws: MakemoreError.conflict(.dedupeWithoutWordList)) {
            try ModelFiles(paths: ["absent.safetensors"], input: nil, splitDirectory: nil, encoding: nil, dedupe: true, heads: nil, combination: nil,
                           weights: nil, onDeduplicated: { _ in }) { _ in }
        }
    }

    /// `makemore split` in-process: the directory is checked before any word is read, the three
    /// files are written, and the report counts them.
    @Test func aSplitIsWrittenAndReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/train.txt"
        try Self.words.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let record = SplitRecord(input: input, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1, dedupe: true)
        #expect(throws: MakemoreError.invalidOutput(name: "directory", path: input, reason: "is also an input; write the output elsewhere")) {
            try WrittenSplit(record, to: directory)
        }
        let written = try WrittenSplit(record, to: directory + "/out")
        #expect(written.duplicatesRemoved == 84 && written.split.allWords.count == 6)
        #expect(try String(contentsOfFile: directory + "/out/train.txt", encoding: .utf8).split(separator: "\n").count == written.split.train.count)
        #expect(written.text.hasPrefix("wrote \(directory)/out/train.txt (") && written.text.contains("removed 84 repeated words before the split"))
        #expect(written.json["duplicates_removed"]?.intValue == 84)
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
