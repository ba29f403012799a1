import Foundation
import Testing
@testable import MakemoreKit

/// `makemore sweep`: the spec read as untrusted input, the trials of a grid and a random
/// search, shards from job-array environments, and on the command line: a two-shard sweep run
/// as two processes ranks as one process does, a trial gives the numbers of its command run
/// alone, a stopped sweep resumes without redoing trials.
@Suite struct SweepTests {
    static let stages = ["mlp", "gru"]

    func spec(_ text: String) throws -> SweepSpec { try SweepSpec(json: try JSONParser.parse(text), stages: Self.stages) }

    @Test func aGridRunsEveryCombinationLastFlagFastest() throws {
        let trials = try spec(#"{"stage": "mlp", "fixed": {"steps": 5, "batch-norm": true}, "flags": {"lr": [0.1, 0.2], "hidden": [8, 16, 32]}}"#).allTrials
        #expect(trials.count == 6 && trials.map(\.index) == Array(0..<6))
        #expect(trials[1].arguments() == ["mlp", "--steps", "5", "--batch-norm", "--lr", "0.1", "--hidden", "16"])
        #expect(trials[5].arguments(extra: ["--threads", "2"]).suffix(6) == ["--lr", "0.2", "--hidden", "32", "--threads", "2"])
    }

    @Test func aRandomSearchIsSeededAndStaysInItsRanges() throws {
        let text = #"{"stage": "gru", "search": "random", "trials": 50, "seed": 3, "flags": {"lr": {"min": 0.001, "max": 0.1, "log": true}, "n-embd": {"min": 8, "max": 64, "integer": true}, "optimizer": ["adam", "adamw"]}}"#
        let a = try spec(text).allTrials, b = try spec(text).allTrials
        #expect(a.count == 50 && a.map(\.settings) == b.map(\.settings))
        for trial in a {
            let lr = trial.swept[0].1.doubleValue!, width = trial.swept[1].1.intValue!
            #expect((0.001...0.1).contains(lr) && (8...64).contains(width) && ["adam", "adamw"].contains(trial.swept[2].1.stringValue))
        }
        #expect(Set(a.map { $0.swept[2].1.stringValue! }).count == 2)
    }

    @Test(arguments: [
        ("[1]", "must be a JSON object"),
        (#"{"stage": "lstm9", "flags": {"lr": [1]}}"#, "'stage' must be one of mlp, gru"),
        (#"{"stage": "mlp", "flags": {"lr": [1]}, "color": 1}"#, "unknown key 'color'"),
        (#"{"stage": "mlp", "flags": {}}"#, "'flags' must be a non-empty object"),
        (#"{"stage": "mlp", "flags": {"save": ["a"]}}"#, "'save' cannot be set by a sweep"),
        (#"{"stage": "mlp", "flags": {"--lr": [1]}}"#, "'--lr' is not a flag name"),
        (#"{"stage": "mlp", "fixed": {"input": "-"}, "flags": {"lr": [1]}}"#, "'input' cannot be standard input"),
        (#"{"stage": "mlp", "flags": {"lr": {"min": 0.1, "max": 1}}}"#, "a grid search needs a list of values"),
        (#"{"stage": "mlp", "search": "random", "flags": {"lr": [1]}}"#, "a random search needs 'trials'"),
        (#"{"stage": "mlp", "search": "random", "trials": 2, "flags": {"lr": {"min": 0, "max": 1, "log": true}}}"#, "a log range needs min > 0"),
        (#"{"stage": "mlp", "flags": {"lr": {"min": 2, "max": 1}}}"#, "with a ≤ b"),
        (#"{"stage": "mlp", "flags": {"lr": [[1]]}}"#, "must be a string, a number or a boolean"),
        (#"{"stage": "mlp", "fixed": {"lr": 1}, "flags": {"lr": [1]}}"#, "both fixed and swept"),
        (#"{"stage": "mlp", "flags": {"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10], "c": [1,2,3,4,5,6,7,8,9,10], "d": [1,2,3,4,5,6,7,8,9,10], "e": [1,2,3,4,5,6,7,8,9,10], "f": [1,2]}}"#, "the grid has 200000 trials"),
    ])
    func hostileSpecsAreRefusedNamingWhatIsWrong(text: String, reason: String) throws {
        let directory = try CLI.temporaryDirectory()
        let path = directory.appendingPathComponent("spec.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MakemoreError.self) { try SweepSpec(path: path, stages: Self.stages) }
        do {
            _ = try SweepSpec(path: path, stages: Self.stages)
        } catch {
            #expect("\(error)".hasPrefix(path + ": ") && "\(error)".contains(reason), "\(error)")
        }
    }

    /// A sweep run checks the spec's flags against its stage's options, shares the cores among
    /// the jobs when the stage takes threads the spec does not set, and keeps its results files
    /// off the spec.
    @Test func aSweepRunChecksItsFlagsThreadsAndFiles() throws {
        let directory = try CLI.temporaryDirectory().path
        let grid = try spec(#"{"stage": "mlp", "fixed": {"steps": 5}, "flags": {"lr": [0.1, 0.2]}}"#)
        let shard = try SweepShard(index: 0, count: 1)
        #expect(throws: MakemoreError.unknownSetting(path: "s.json", stage: "mlp", name: "steps")) {
            try SweepRun(spec: grid, specPath: "s.json", directory: directory, shard: shard, jobs: 1, stageOptions: ["lr"])
        }
        let options = ["steps", "lr", "threads"]
        #expect(try SweepRun(spec: grid, specPath: "s.json", directory: directory, shard: shard, jobs: 1, stageOptions: options).threadsPerTrial == nil)
        let shared = try SweepRun(spec: grid, specPath: "s.json", directory: directory, shard: shard, jobs: 2, stageOptions: options).threadsPerTrial
        #expect(shared == max(1, ProcessInfo.processInfo.activeProcessorCount / 2))
        let fixedThreads = try spec(#"{"stage": "mlp", "fixed": {"threads": 1}, "flags": {"lr": [0.1, 0.2]}}"#)
        #expect(try SweepRun(spec: fixedThreads, specPath: "s.json", directory: directory, shard: shard, jobs: 2, stageOptions: options).threadsPerTrial == nil)
        let specPath = SweepRun.specPath(in: directory)
        try "{}".write(toFile: specPath, atomically: true, encoding: .utf8)
        #expect(throws: MakemoreError.invalidOutput(name: "directory", path: specPath, reason: "is also an input; write the output elsewhere")) {
            try SweepRun(spec: grid, specPath: specPath, directory: directory, shard: shard, jobs: 1, stageOptions: options)
        }
        #expect(throws: MakemoreError.invalidOutput(name: "directory", path: specPath + "/x", reason: "\(specPath) is not a directory")) {
            try SweepRun.validate(directory: specPath + "/x")
        }
    }

    @Test func shardsComeFromTheFlagOrAJobArray() throws {
        #expect(try SweepShard(parsing: "1/3") == SweepShard(index: 1, count: 3))
        for bad in ["3/3", "-1/2", "1", "a/b", "0/0"] { #expect(throws: MakemoreError.self) { try SweepShard(parsing: bad) } }
        #expect(try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "3"], count: nil)
                == SweepShard(index: 1, count: 3))
        #expect(try SweepShard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: 4) == SweepShard(index: 2, count: 4))
        #expect(throws: MakemoreError.self) { try SweepShard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: nil) }
        #expect(throws: MakemoreError.self) { try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2"], count: nil) }
        #expect(try SweepShard.fromEnvironment([:], count: 2) == nil)
        let trials = try spec(#"{"stage": "mlp", "flags": {"lr": [1, 2, 3, 4, 5]}}"#).allTrials
        #expect(trials.filter(try SweepShard(index: 1, count: 2).includes).map(\.index) == [1, 3])
    }

    @Test func twoShardsRankAsOneProcessAndATrialIsItsCommandAlone() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<200).map { ["emma", "olivia", "ava", "isabella", "sophia", "mia", "ann", "bob", "zoe", "cy"][$0 % 10] }
        try (words.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("toy.txt"), atomically: true, encoding: .utf8)
        try #"{"stage": "mlp", "fixed": {"input": "toy.txt", "steps": 30, "samples": 0}, "flags": {"lr": [0.05, 0.2], "hidden": [8, 16]}}"#
            .write(to: directory.appendingPathComponent("spec.json"), atomically: true, encoding: .utf8)
        let one = try CLI.run(["sweep", "spec.json", "--out", "one", "--jobs", "2"], in: directory)
        #expect(one.status == 0 && one.stdout.contains("4 trials run (0 failed), 0 already done"), "\(one.stderr)")
        // Two processes side by side, one shard each (here from --shard; SLURM/Kubernetes set it from the environment).
        let first = Process(), second = Process()
        for (process, shard) in [(first, "0/2"), (second, "1/2")] {
            process.executableURL = CLI.binary
            process.arguments = ["sweep", "spec.json", "--out", "two", "--shard", shard]
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let reportOne = try CLI.run(["sweep", "report", "one", "--json"], in: directory)
        let reportTwo = try CLI.run(["sweep", "report", "two", "--json"], in: directory)
        func ranking(_ json: String) throws -> [String] {
            try #require(JSONParser.parse(json)["trials"]?.arrayValue).map { "\($0["trial"]!.serialized) \($0["val_loss"]!.serialized)" }
        }
        #expect(try ranking(reportOne.stdout).count == 4 && ranking(reportOne.stdout) == ranking(reportTwo.stdout))
        let svg = try String(contentsOf: directory.appendingPathComponent("two/report.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("val NLL against --lr") && svg.contains("val NLL against --hidden"))
        // The page is as wide as its charts, legend included, so no panel is clipped.
        let widths = svg.components(separatedBy: " width=\"").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(widths.count >= 3 && widths[0] >= widths[1...].max()!)
        // The best trial's command, run alone, gives its val NLL to the last bit.
        let best = try #require(JSONParser.parse(reportOne.stdout)["trials"]?.arrayValue?.first)
        let command = try #require(best["command"]?.stringValue).split(separator: " ").dropFirst().map(String.init)
        let alone = try CLI.run(command + ["--json"], in: directory)
        #expect(try JSONParser.parse(alone.stdout)["loss"]?["val"]?.doubleValue == best["val_loss"]?.doubleValue)
        // Resumed: nothing is redone; another spec in the same directory is refused.
        let again = try CLI.run(["sweep", "spec.json", "--out", "two"], in: directory)
        #expect(again.stdout.contains("0 trials run (0 failed), 4 already done"), "\(again.stderr)")
        try #"{"stage": "mlp", "fixed": {"input": "toy.txt", "steps": 30}, "flags": {"lr": [0.1]}}"#
            .write(to: directory.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
        let other = try CLI.run(["sweep", "other.json", "--out", "two"], in: directory)
        #expect(other.status == 1 && other.stderr.contains("holds the results of another sweep spec"))
        try #"{"stage": "mlp", "flags": {"heads": [1]}}"#.write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["sweep", "bad.json", "--out", "bad"], in: directory)
        #expect(bad.status == 64 && bad.stderr.contains("makemore mlp has no option --heads"))
        let noShardCount = try CLI.run(["sweep", "spec.json", "--out", "x", "--shard", "2/2"], in: directory)
        #expect(noShardCount.status == 64 && noShardCount.stderr.contains("--shard"))
    }

    /// A SIGKILLed sweep leaves no trial running: each trial watches the sweep that started it
    /// (`ParentWatch`) and ends when it is gone. Polled with deadlines, no sleeps-and-hopes.
    @Test func aKilledSweepLeavesNoOrphanTrials() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"stage": "mlp", "fixed": {"steps": 100000000, "samples": 0}, "flags": {"lr": [0.1, 0.2]}}"#
            .write(to: directory.appendingPathComponent("spec.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("names.txt"), withDestinationURL: CLI.packageRoot.appendingPathComponent("names.txt"))
        let sweep = Process()
        sweep.executableURL = CLI.binary
        sweep.arguments = ["sweep", "spec.json", "--out", "runs", "--jobs", "2"]
        sweep.currentDirectoryURL = directory
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = FileHandle.nullDevice
        try sweep.run()
        func children(of parent: pid_t) throws -> [pid_t] {
            let pgrep = Process(), out = Pipe()
            pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            pgrep.arguments = ["pgrep", "-P", String(parent)]
            pgrep.standardOutput = out
            try pgrep.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            pgrep.waitUntilExit()
            return text.split(separator: "\n").compactMap { pid_t($0) }
        }
        /// Whether `pid` runs (a zombie nobody has reaped yet has ended).
        func running(_ pid: pid_t) throws -> Bool {
            guard kill(pid, 0) == 0 else { return false }
            let ps = Process(), out = Pipe()
            ps.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            ps.arguments = ["ps", "-o", "stat=", "-p", String(pid)]
            ps.standardOutput = out
            try ps.run()
            let state = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            ps.waitUntilExit()
            return !state.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !state.contains("Z")
        }
        func poll(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if try condition() { return true }
                usleep(50_000)  // a pause between checks; the deadline, not the pause, bounds the wait
            }
            return try condition()
        }
        var trials: [pid_t] = []
        defer { for pid in trials { kill(pid, SIGKILL) } }
        #expect(try poll(seconds: 120) { trials = try children(of: sweep.processIdentifier); return trials.count == 2 }, "the sweep started no trials")
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        #expect(sweep.terminationReason == .uncaughtSignal)
        for pid in trials {
            #expect(try poll(seconds: 60) { try !running(pid) }, "trial \(pid) runs on after its sweep was killed")
        }
    }
}
