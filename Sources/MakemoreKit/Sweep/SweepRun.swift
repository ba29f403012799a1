import Foundation

/// Runs a sweep's trials (this shard's, those not yet done) into a results directory: each
/// trial is the stage command run as a process of its own (`executable` with the trial's
/// arguments, `--json --quiet`), so it gives exactly the numbers of that command run alone.
/// The directory holds `spec.json` (the spec, to refuse another one) and one
/// `results-I-of-N.jsonl` per shard, each trial one JSON line appended atomically (the file is
/// rewritten beside itself and renamed), so a stopped sweep resumes without redoing a finished
/// trial, whichever shard ran it. `jobs` trials run side by side, each with
/// `threadsPerTrial` threads when the stage takes `--threads`.
package struct SweepRun: Sendable {
    package let spec: SweepSpec
    package let directory: String
    package let shard: SweepShard
    package let jobs: Int
    /// `--threads` for each trial (nil: the stage's default, or the stage takes none).
    package let threadsPerTrial: Int?

    /// What a run did.
    package struct Summary: Sendable {
        package var ran = 0, failed = 0, alreadyDone = 0
    }

    /// A run of `spec`, read from `specPath`, into `directory`. `stageOptions` are the flags the
    /// spec's stage takes: every flag the spec sets must be one (else
    /// `MakemoreError.unknownSetting`), and with several `jobs`, a stage taking `threads` that the
    /// spec does not set gets this machine's cores shared among the jobs (at least one each).
    /// Throws for `jobs` out of 1...256, and `MakemoreError.invalidOutput` (named `directory`)
    /// for results files that cannot be written or would replace the spec.
    package init(spec: SweepSpec, specPath: String, directory: String, shard: SweepShard, jobs: Int, stageOptions: [String]) throws {
        guard (1...256).contains(jobs) else { throw MakemoreError.invalidValue(name: "jobs", rule: "in 1...256", value: String(jobs)) }
        let set = spec.fixed.map(\.0) + spec.flags.map(\.0)
        if let name = set.first(where: { !stageOptions.contains($0) }) {
            throw MakemoreError.unknownSetting(path: specPath, stage: spec.stage, name: name)
        }
        self.spec = spec
        self.directory = directory
        self.shard = shard
        self.jobs = jobs
        threadsPerTrial = jobs > 1 && !set.contains("threads") && stageOptions.contains("threads")
            ? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs) : nil
        try OutputPath.validate(files: [resultsPath, SweepRun.specPath(in: directory)].map { ($0 as NSString).lastPathComponent }, in: directory,
                                name: "directory", inputs: [specPath])
    }

    /// Throws `MakemoreError.invalidOutput` (named `directory`) unless the results directory
    /// exists or can be created; checked before the spec is read.
    package static func validate(directory: String) throws { try OutputPath.validateCreatable(directory: directory, name: "directory") }

    /// This shard's results file.
    package var resultsPath: String { (directory as NSString).appendingPathComponent("results-\(shard.index)-of-\(shard.count).jsonl") }
    /// The spec recorded in the directory.
    package static func specPath(in directory: String) -> String { (directory as NSString).appendingPathComponent("spec.json") }

    /// Runs the pending trials; `note` receives a line per trial. Throws when a trial's flags
    /// are refused (every trial would be), a trial is killed, or a result cannot be written.
    package func run(executable: String, note: @escaping @Sendable (String) -> Void) throws -> Summary {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let specPath = SweepRun.specPath(in: directory)
        if FileManager.default.fileExists(atPath: specPath) {
            let recorded = try SweepResults.readSpec(directory: directory)
            guard recorded == spec.canonical else {
                throw MakemoreError.file(path: directory, reason: "holds the results of another sweep spec (spec.json differs); use another directory")
            }
        } else {
            try AtomicFile.write(spec.canonical.serialized + "\n", to: specPath)
        }
        let done = Set(try SweepResults.read(directory: directory).map(\.trial))
        let mine = spec.allTrials.filter(shard.includes)
        let pending = mine.filter { !done.contains($0.index) }
        var summary = Summary()
        summary.alreadyDone = mine.count - pending.count
        let state = SweepState(pending: pending, existing: (try? String(contentsOfFile: resultsPath, encoding: .utf8)) ?? "")
        let extra = threadsPerTrial.map { ["--threads", String($0)] } ?? []
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, pending.count))) { _ in
            while let trial = state.next() {
                do {
                    let line = try SweepRun.runTrial(trial, executable: executable, extra: extra, shard: shard)
                    try state.append(line.json, to: resultsPath)
                    note(line.summary)
                } catch {
                    state.fail(error)
                }
            }
        }
        if let error = state.failure { throw error }
        summary.ran = state.ran
        summary.failed = state.failedTrials
        return summary
    }

    /// One trial as a process: its result line (or its runtime error) and a one-line summary.
    static func runTrial(_ trial: SweepTrial, executable: String, extra: [String], shard: SweepShard) throws -> (json: JSONValue, summary: String) {
        let arguments = trial.arguments(extra: extra)
        let command = (["makemore"] + arguments).map(SweepRun.shellQuoted).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--json", "--quiet"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        process.environment = ParentWatch.environment(ProcessInfo.processInfo.environment)
        let start = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw MakemoreError.file(path: executable, reason: "cannot be run (\(SystemError.describe(error)))")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).seconds
        let lastLine = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        var members: [(String, JSONValue)] = [("trial", .integer(trial.index)), ("settings", trial.settings), ("command", .string(command))]
        guard process.terminationReason == .exit else {
            throw MakemoreError.unsupported("trial \(trial.index) was killed by signal \(process.terminationStatus): the sweep stops; run it again to resume")
        }
        switch process.terminationStatus {
        case 0:
            guard let report = try? JSONParser.parse([UInt8](stdout)), let losses = report["loss"] else {
                throw MakemoreError.unsupported("trial \(trial.index) (\(command)) printed no JSON report")
            }
            let val = losses["val"]?.doubleValue
            members += [("val_loss", .number(val)), ("train_loss", .number(losses["train"]?.doubleValue)),
                        ("test_loss", .number(losses["test"]?.doubleValue)), ("seconds", .number(seconds)), ("shard", .string(shard.description))]
            return (.object(members), "trial \(trial.index): val \(val.map { String(format: "%.4f", $0) } ?? "–")  \(command)")
        case 64:
            throw MakemoreError.invalidValue(name: "trial \(trial.index)'s flags", rule: "accepted by makemore \(trial.stage)", value: lastLine)
        default:
            members += [("val_loss", .null), ("error", .string(lastLine)), ("seconds", .number(seconds)), ("shard", .string(shard.description))]
            return (.object(members), "trial \(trial.index) failed: \(lastLine)")
        }
    }

    /// `text` quoted for a POSIX shell when it needs it.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The trials still to take and the results file's text, shared by the workers under a lock.
private final class SweepState: @unchecked Sendable {
    // Every member is read and written only while `lock` is held.
    private let lock = NSLock()
    private var pending: [SweepTrial]
    private var text: String
    private(set) var ran = 0, failedTrials = 0
    private(set) var failure: (any Error)?

    init(pending: [SweepTrial], existing: String) {
        self.pending = pending.reversed()
        text = existing
    }

    /// The next trial, or nil when none is left or a worker failed.
    func next() -> SweepTrial? {
        lock.withLock { failure == nil ? pending.popLast() : nil }
    }

    /// Appends `line` to the results file atomically (the whole file rewritten and renamed).
    func append(_ line: JSONValue, to path: String) throws {
        try lock.withLock {
            let updated = text + line.serialized + "\n"
            try AtomicFile.write(updated, to: path)
            text = updated
            ran += 1
            if line["error"] != nil { failedTrials += 1 }
        }
    }

    func fail(_ error: any Error) {
        lock.withLock { if failure == nil { failure = error } }
    }
}
