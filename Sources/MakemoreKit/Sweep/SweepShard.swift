/// Which share of a sweep's trials one process runs: trial `i` belongs to shard `i mod count`.
/// Given as `--shard I/N`, or read from a job array's environment: Slurm's
/// `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`) and `SLURM_ARRAY_TASK_COUNT`, or a
/// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` with the count given separately (the Job's
/// `completions`), since Kubernetes does not export it.
package struct SweepShard: Equatable, Sendable, CustomStringConvertible {
    package let index: Int
    package let count: Int

    /// Shard `index` of `count` (0 ≤ index < count ≤ 100 000).
    package init(index: Int, count: Int) throws {
        guard (1...100_000).contains(count), (0..<count).contains(index) else {
            throw MakemoreError.invalidValue(name: "shard", rule: "I/N with 0 ≤ I < N ≤ 100000", value: "\(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// The shard written `I/N`.
    package init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw MakemoreError.invalidValue(name: "shard", rule: "I/N with 0 ≤ I < N ≤ 100000", value: text)
        }
        try self.init(index: index, count: count)
    }

    /// The shard a job array's `environment` names, `count` (the number of shards, when the
    /// engine does not export it) filled in; nil when no job-array variable is set.
    package static func fromEnvironment(_ environment: [String: String], count: Int?) throws -> SweepShard? {
        func number(_ key: String) throws -> Int? {
            guard let text = environment[key] else { return nil }
            guard let value = Int(text) else { throw MakemoreError.invalidValue(name: key, rule: "a whole number", value: text) }
            return value
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            guard let total = try count ?? number("SLURM_ARRAY_TASK_COUNT") else {
                throw MakemoreError.invalidValue(name: "shard count", rule: "given (SLURM_ARRAY_TASK_COUNT is not set)", value: "none")
            }
            return try SweepShard(index: task - (try number("SLURM_ARRAY_TASK_MIN") ?? 0), count: total)
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw MakemoreError.invalidValue(name: "shard count", rule: "given with JOB_COMPLETION_INDEX (the Job's completions)", value: "none")
            }
            return try SweepShard(index: index, count: count)
        }
        return nil
    }

    /// Whether `trial` is this shard's.
    package func includes(_ trial: SweepTrial) -> Bool { trial.index % count == index }

    package var description: String { "\(index)/\(count)" }
}
