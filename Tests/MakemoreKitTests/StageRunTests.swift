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
        var early = Self.run(start: .resume(path), stopAt: 3)
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
