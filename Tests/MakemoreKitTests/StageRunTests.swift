import Foundation
import MakemoreKit
import Testing

/// `StageRun`, the pipeline of `makemore <stage>` as library API, called in-process: a run
/// stopped early, saved and resumed gives the run of one go; a resumed run refuses what it
/// cannot honour; samples while training leave the numbers alone.
@Suite struct StageRunTests {
    static let words = (0..<90).map { ["ann", "anna", "bob", "bobby", "cy", "zoe"][$0 % 6] }
    static let training = TrainingConfiguration(steps: 12, learningRate: 0.01, optimizer: OptimizerConfiguration(kind: .adamw), batchSize: 8,
                                                evaluateEvery: 4)

    static func run(start: StageRun.Start = .build, checkpoint: String? = nil, stopAt: Int? = nil) -> StageRun {
        var run = StageRun(.gru(SequenceModelConfiguration(embedding: 8, hidden: 8))) {
            try DatasetSplit(shuffling: words, seed: 3, valFraction: 0.2, testFraction: 0.1)
        }
        run.start = start
        run.seed = 5
        run.samples = 3
        run.training = StageRun.Training(training)
        run.training?.stopAt = stopAt
        run.outputs.checkpoint = checkpoint
        return run
    }

    @Test func aStoppedRunResumedGivesTheRunOfOneGo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stagerun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/gru.safetensors"

        let whole = try Self.run().run().report
        var events: [String] = []
        _ = try Self.run(checkpoint: path, stopAt: 6).run { event in
            switch event {
            case .willTrain(let c): events.append("train \(c.steps)")
            case .saved(let file): events.append(file == path ? "saved" : file)
            case .stopped(let step, let total, let file): events.append("stopped \(step)/\(total) \(file == path)")
            default: break
            }
        }
        #expect(events == ["train 12", "saved", "stopped 6/12 true"])
        var notes: [String] = []
        let resumed = try Self.run(start: .resume(path)).run { if case .note(let line) = $0 { notes.append(line) } }
        #expect(notes.isEmpty)
        #expect(resumed.report.losses[.val]??.nll == whole.losses[.val]??.nll)
        #expect(resumed.report.samples == whole.samples)

        var changed = Self.run(start: .resume(path))
        changed.training?.settingsGiven = ["learning_rate"]
        #expect(throws: StageRun.ResumeConflict.settingGiven(name: "learning_rate", path: path)) { try changed.run() }
        var early = Self.run(start: .resume(path), checkpoint: path, stopAt: 3)
        early.training?.stepsGiven = false
        #expect(throws: StageRun.ResumeConflict.stopsTooEarly(stopAt: 3, path: path, trained: 6)) { try early.run() }
    }

    @Test func settingsTheStartWouldIgnoreThrowBeforeAnythingIsRead() throws {
        var loaded = Self.run(start: .load("absent.safetensors"))
        loaded.training?.settingsGiven = ["learning_rate"]
        #expect(throws: StageRun.StartConflict.trainingALoadedFile(name: "learning_rate", path: "absent.safetensors")) { try loaded.run() }
        var stopped = Self.run(start: .load("absent.safetensors"), stopAt: 3)
        #expect(throws: StageRun.StartConflict.trainingALoadedFile(name: "stop_at", path: "absent.safetensors")) { try stopped.run() }
        stopped.training?.stopAt = nil
        #expect(throws: MakemoreError.self) { try stopped.run() }  // no conflict: the missing file is what fails
        var resumed = Self.run(start: .resume("absent.safetensors"))
        resumed.modelSettingsGiven = ["hidden"]
        #expect(throws: StageRun.StartConflict.changingAResumedModel(name: "hidden", path: "absent.safetensors")) { try resumed.run() }
        var built = Self.run()
        built.modelSettingsGiven = ["hidden"]
        try built.validateStart()
    }

    @Test func samplesWhileTrainingLeaveTheRunAsItIs() throws {
        var shown: [Int] = []
        var run = Self.run()
        run.training?.sampleEvery = 4
        let sampled = try run.run { event in
            if case .samples(let step, let words) = event, words.count == 5 { shown.append(step) }
        }
        #expect(shown == [4, 8, 12])
        #expect(sampled.report.samples == (try Self.run().run().report.samples))
    }

    /// What a run would regret is refused by `validate`, before any words are read: a stop step
    /// or periodic saving with no checkpoint to keep the run in, an output over an input (the
    /// words, the loaded or resumed file: only the checkpoint may replace the file it resumes),
    /// output directories that cannot be created, and a block too small for the words.
    @Test func validateRefusesWhatTheRunWouldRegretBeforeReadingWords() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stagerun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (wordsFile, resumed) = (directory + "/words.txt", directory + "/gru.safetensors")
        try Self.words.joined(separator: "\n").write(toFile: wordsFile, atomically: true, encoding: .utf8)
        func run(_ start: StageRun.Start = .build, _ change: (inout StageRun) -> Void) -> StageRun {
            var run = Self.run(start: start)
            run.words = { throw MakemoreError.unsupported("the words were read") }
            run.source = SplitRecord(input: wordsFile, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
            change(&run)
            return run
        }
        #expect(throws: MakemoreError.needs(name: "stop_at", needed: "checkpoint")) { try run { $0.training?.stopAt = 3 }.validate() }
        #expect(throws: MakemoreError.needs(name: "save_every", needed: "checkpoint")) { try run { $0.training?.saveEvery = 3 }.validate() }
        #expect(throws: MakemoreError.invalidOutput(name: "log", path: wordsFile, reason: "is also an input; write the output elsewhere")) {
            try run { $0.outputs.log = wordsFile }.validate()
        }
        #expect(throws: MakemoreError.invalidOutput(name: "loss_plot", path: resumed, reason: "is also an input; write the output elsewhere")) {
            try FileManager.default.copyItem(atPath: wordsFile, toPath: resumed)
            try run(.resume(resumed)) { $0.outputs.lossPlot = resumed }.validate()
        }
        try run(.resume(resumed)) { $0.outputs.checkpoint = resumed }.validate()
        #expect(throws: MakemoreError.invalidOutput(name: "diagnostics_plots", path: wordsFile + "/plots", reason: "\(wordsFile) is not a directory")) {
            try run { $0.outputs.diagnosticsPlots = wordsFile + "/plots" }.validate()
        }
        #expect(throws: MakemoreError.invalidOutput(name: "tensorboard", path: wordsFile, reason: "is not a directory")) {
            try run { $0.training?.tensorboard = wordsFile }.validate()
        }
        // The diagnostics plots' names depend on the steps: the files already there are checked.
        try FileManager.default.linkItem(atPath: wordsFile, toPath: directory + "/update-ratio.svg")
        #expect(throws: MakemoreError.self) { try run { $0.outputs.diagnosticsPlots = directory }.validate() }
        #expect(throws: MakemoreError.wordsDoNotFit(blockSize: 3, longestWord: 5)) {
            try StageRun(.gru(SequenceModelConfiguration(embedding: 8, hidden: 8, blockSize: 3))) {
                try DatasetSplit(shuffling: Self.words, seed: 3, valFraction: 0.2, testFraction: 0.1)
            }.run()
        }
    }

    /// The word list a loaded file records is protected from the outputs even when the file is
    /// read against other words; the diagnostics plots' directory too.
    @Test func theWordsALoadedFileRecordsAreProtected() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stagerun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A word list named as a diagnostics plot, in the directory the plots would go to.
        let (recorded, other, checkpoint) = (directory + "/update-ratio.svg", directory + "/other.txt", directory + "/bigram.safetensors")
        for file in [recorded, other] { try Self.words.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8) }
        func run(_ input: String, _ start: StageRun.Start = .build) -> StageRun {
            let source = SplitRecord(input: input, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
            var run = StageRun(.bigram(smoothing: 1)) { try source.load() }
            (run.source, run.start, run.samples) = (source, start, 1)
            return run
        }
        var save = run(recorded)
        save.outputs.checkpoint = checkpoint
        _ = try save.run()
        var log = run(other, .load(checkpoint))
        log.wordsGiven = true
        log.outputs.log = recorded
        try log.validate()  // the recorded list is known once the file is read
        #expect(throws: MakemoreError.invalidOutput(name: "log", path: recorded, reason: "is also an input; write the output elsewhere")) {
            try log.run()
        }
        log.outputs.log = nil
        log.outputs.diagnosticsPlots = directory
        #expect(throws: MakemoreError.invalidOutput(name: "diagnostics_plots", path: recorded, reason: "is also an input; write the output elsewhere")) {
            try log.run()
        }
    }

    /// The count bigram's heatmap is one of a run's outputs.
    @Test func theCountPlotIsWrittenWithTheOtherOutputs() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("counts-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var run = StageRun(.bigram(smoothing: 1)) { try DatasetSplit(shuffling: Self.words, seed: 3, valFraction: 0.2, testFraction: 0.1) }
        run.outputs.countPlot = path
        _ = try run.run()
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("<svg"))
        var other = Self.run()
        other.outputs.countPlot = path
        #expect(throws: MakemoreError.self) { try other.run() }
    }

    /// `makemore bigram --show-counts`: the most frequent pairs join the count bigram's report.
    @Test func theCountBigramsReportShowsItsMostFrequentPairs() throws {
        let (stage, report) = try StageRun(.bigram(smoothing: 1)) {
            try DatasetSplit(shuffling: Self.words, seed: 3, valFraction: 0.2, testFraction: 0.1)
        }.run()
        let shown = try report.addingTopPairs(3, of: stage)
        #expect(shown.notes.count == 4 && shown.notes[0] == "most frequent pairs:")
        #expect(shown.json["top_pairs"]?.arrayValue?.count == 3 && shown.text.contains("most frequent pairs:"))
        let gru = try Self.run().run()
        #expect(try gru.report.addingTopPairs(3, of: gru.stage).notes == gru.report.notes)
    }

    /// A run's own counts are checked against `StageRun.Limits` before anything is built.
    @Test func outOfRangeCountsThrow() {
        for change in [{ (run: inout StageRun) in run.samples = -1 }, { $0.training?.sampleEvery = 0 }, { $0.training?.saveEvery = 0 },
                       { $0.training?.saveEvery = 100_000_001 }] as [(inout StageRun) -> Void] {
            var run = Self.run()
            change(&run)
            #expect(throws: MakemoreError.self) { try run.run() }
        }
    }
}
