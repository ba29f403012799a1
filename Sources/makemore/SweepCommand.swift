import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore sweep SPEC.json --out DIR`: a grid or random search over a stage's flags (see
/// `SweepSpec`), one process per trial; `makemore sweep report DIR` ranks what the shards wrote.
enum SweepCommand: Subcommand {
    static let name = "sweep"
    static let summary = "search a stage's flags (grid or random, sharded over a job array); 'sweep report DIR' ranks the results"
    static let options: [Option] = [
        Option(positional: "SPEC.json | report DIR", "the sweep's spec (docs/sweeps.md), or 'report' and a results directory"),
        Option("out", value: "DIR", key: "directory", "results directory: spec.json and one results-I-of-N.jsonl per shard (a stopped sweep resumes there)"),
        Option("jobs", value: "N", default: "1", "trials run side by side; each gets cores/N threads unless the spec sets --threads"),
        Option("shard", value: "I/N", "run only trials i with i mod N = I (default: from SLURM_ARRAY_TASK_ID/_COUNT or JOB_COMPLETION_INDEX)"),
        Option("shards", value: "N", "the number of shards, with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's completions)"),
        Option("plot", value: "FILE.svg", "report: where the SVG of val NLL against each swept flag goes (default: DIR/report.svg)"),
        Option(flag: "json", "report: print the ranking as one JSON object"),
    ]

    enum Options {
        case run(spec: String, out: String, jobs: Int, shard: SweepShard)
        case report(directory: String, plot: String, json: Bool)
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let words = arguments.positionals
        if words.first == "report" {
            guard words.count == 2 else { throw UsageError("give 'sweep report DIR'") }
            return .report(directory: words[1], plot: arguments.string("plot") ?? (words[1] as NSString).appendingPathComponent("report.svg"),
                           json: arguments.flag("json"))
        }
        guard words.count == 1 else { throw UsageError("give one SPEC.json (or 'report DIR')") }
        guard let out = arguments.string("out") else { throw UsageError("missing --out DIR") }
        let jobs = try arguments.int("jobs", in: 1...256) ?? 1
        let count = try arguments.int("shards", in: 1...100_000)
        let shard: SweepShard
        do {
            shard = try arguments.string("shard").map(SweepShard.init(parsing:))
                ?? SweepShard.fromEnvironment(ProcessInfo.processInfo.environment, count: count) ?? SweepShard(index: 0, count: count ?? 1)
        } catch let error as MakemoreError {
            throw UsageError("--shard: \(error)")
        }
        return .run(spec: words[0], out: out, jobs: jobs, shard: shard)
    }

    static func run(_ options: Options) throws {
        switch options {
        case .run(let specPath, let out, let jobs, let shard):
            try SweepRun.validate(directory: out)
            let stages = StageRegistry.definitions.compactMap(stageCommand)
            let spec = try SweepSpec(path: specPath, stages: stages.map(\.name))
            let stageOptions = stages.first { $0.name == spec.stage }!.options.map(\.name)
            let sweep = try SweepRun(spec: spec, specPath: specPath, directory: out, shard: shard, jobs: jobs, stageOptions: stageOptions)
            guard let executable = Bundle.main.executablePath else { throw MakemoreError.unsupported("cannot find the makemore executable to run trials") }
            let summary = try sweep.run(executable: executable) { printError($0) }
            print("shard \(shard): \(summary.ran) trials run (\(summary.failed) failed), \(summary.alreadyDone) already done; results in \(sweep.resultsPath)")
        case .report(let directory, let plot, let json):
            let results = try SweepResults(directory: directory)
            try results.writePlot(to: plot)
            print(json ? results.json.serialized : results.table + "\nplot: \(plot)")
        }
    }
}
