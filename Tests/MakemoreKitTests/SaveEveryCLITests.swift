import Foundation
import Testing
@testable import MakemoreKit

/// `--save-every N`: a run killed with SIGKILL leaves its last checkpoint, and resuming it gives
/// the numbers of a run that was never killed; `--tensorboard DIR` on a stage command.
@Suite struct SaveEveryCLITests {
    static func wordsDirectory() throws -> URL {
        let directory = try CLI.temporaryDirectory()
        let words = (0..<120).map { ["ann", "anna", "bob", "bobby", "cy", "zoe", "emma", "mia"][$0 % 8] }
        try (words.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("w.txt"), atomically: true, encoding: .utf8)
        return directory
    }

    static let common = ["transformer", "--input", "w.txt", "--layers", "1", "--heads", "2", "--embedding", "8", "--batch-size", "8",
                         "--schedule", "constant", "--eval-every", "4", "--ema", "0.9", "--samples", "4"]

    @Test func aKilledRunResumesFromItsLastCheckpointAsIfNeverKilled() throws {
        let directory = try Self.wordsDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = Self.common + ["--steps", "100000", "--save-every", "4", "--save", "run.safetensors"]
        process.currentDirectoryURL = directory
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait (blocking on the pipe, no timer) for the second checkpoint, then kill.
        var said = ""
        while said.components(separatedBy: ": saved run.safetensors").count < 3 {
            let chunk = err.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "\(said)")

        let checkpoint = try Checkpoint.read(path: directory.appendingPathComponent("run.safetensors").path)
        let stopped = try #require(checkpoint.trainingState?.step)
        #expect(stopped >= 8 && stopped % 4 == 0)
        #expect(checkpoint.step == checkpoint.trainingState?.best?.step && checkpoint.valLoss == checkpoint.trainingState?.best?.loss)
        // The constant schedule does not depend on the total, so the killed run's first steps are
        // those of a run of `stopped + 8` steps.
        let total = String(stopped + 8)
        let resumed = try CLI.run(["transformer", "--input", "w.txt", "--resume", "run.safetensors", "--steps", total, "--samples", "4",
                                   "--json", "--quiet"], in: directory)
        let alone = try CLI.run(Self.common + ["--steps", total, "--json", "--quiet"], in: directory)
        #expect(resumed.status == 0 && alone.status == 0, "\(resumed.stderr)\(alone.stderr)")
        func withoutTimes(_ json: String) -> String {
            json.replacingOccurrences(of: #""(seconds|train_seconds|ms_per_step|steps)":[0-9.e+-]+,?"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(resumed.stdout) == withoutTimes(alone.stdout))
        let unsaved = try CLI.run(Self.common + ["--steps", "8", "--save-every", "4"], in: directory)
        #expect(unsaved.status == 64 && unsaved.stderr.contains("--save-every needs --save"))
    }

    @Test func aStageWritesTensorBoardEventsWhileTraining() throws {
        let directory = try Self.wordsDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLI.run(Self.common + ["--steps", "12", "--tensorboard", "runs/t", "--quiet"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("runs/t").path)
        #expect(files.count == 1 && files[0].hasPrefix("events.out.tfevents."))
        let records = try TensorBoardTests.records(try Data(contentsOf: directory.appendingPathComponent("runs/t/\(files[0])")))
        func count(_ tag: String) -> Int { records.count { Data($0).range(of: Data(tag.utf8)) != nil } }
        #expect(count("Loss/train") == 12 && count("learning_rate") == 12 && count("Loss/val") == 3 && count("Loss/test") == 1)
        #expect(count("samples") == 1 && count("brain.Event:2") == 1)
        try Data().write(to: directory.appendingPathComponent("file"))
        let refused = try CLI.run(Self.common + ["--steps", "2", "--tensorboard", "file"], in: directory)
        #expect(refused.status == 64 && refused.stderr.contains("--tensorboard"), "\(refused.stderr)")
    }
}
