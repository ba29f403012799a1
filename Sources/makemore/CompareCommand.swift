import Foundation
import MakemoreKit

/// `makemore compare`: every stage on the same split, one table, one chart.
///
/// The split is made once and each stage runs in this process, one after another, exactly as
/// `makemore <stage> --seed N --samples N` would with its defaults (or its modest budget).
enum CompareCommand: Subcommand {
    static let name = "compare"
    static let summary = "run every stage on the same split and compare their losses (the main job)"

    /// A stage in the comparison: its definition (and the budget it trains with unless `--full`)
    /// and its command, whose defaults it runs.
    struct Rung: Sendable {
        let definition: StageDefinition
        let command: CommandEntry
        var kind: StageKind { definition.kind }
    }

    /// The registered stages `compare` runs, in the registry's order.
    static let ladder = StageRegistry.definitions.filter(\.inComparison).compactMap { definition in
        stageCommand(definition).map { Rung(definition: definition, command: $0) }
    }

    static let options: [Option] = DataOptions.options + [
        Option("stages", value: "LIST", default: ladder.map(\.kind.rawValue).joined(separator: ","), "comma-separated stages to run"),
        Option(flag: "full", "train every stage with its full defaults instead of the modest budget"),
        Option(flag: "ensemble", "add a row: the mixture of the stages run, weights fitted on the val split by EM"),
        Option("samples", value: "N", default: "3", "samples shown per stage"),
        Option("out", value: "DIR", "write compare.md, compare.json and val_nll.svg into DIR"),
        Option("threads", value: "N", limit: TrainingConfiguration.Limits.threads, default: "one per core",
               "model copies of the stages whose default is one per core (gru, lstm, transformer): their numbers depend on it"),
        Option("save-every", value: "N", "with --out: every N steps write each stage's checkpoint DIR/<stage>.safetensors (the best so far; --resume continues it)"),
        Option("tensorboard", value: "DIR", "TensorBoard event files while training, one run per stage in DIR/<stage>/"),
        Option(flag: "json", "print one JSON object"),
        Option(flag: "quiet", "no progress on stderr"),
    ]

    struct Options {
        var data: DataOptions
        var rungs: [Rung]
        var full: Bool
        var ensemble: Bool
        var samples: Int
        var out: String?
        var json: Bool
        var quiet: Bool
        var threads: Int?
        var saveEvery: Int?
        var tensorboard: String?
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let names = arguments.string("stages")?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? ladder.map(\.kind.rawValue)
        guard !names.contains("") else { throw UsageError("--stages needs comma-separated stage names (known: \(ladder.map(\.kind.rawValue).joined(separator: ", "))), got '\(arguments.string("stages") ?? "")'") }
        let rungs = try names.map { name in
            guard let rung = ladder.first(where: { $0.kind.rawValue == name }) else {
                let hint = Spelling.suggestion(for: name, among: ladder.map(\.kind.rawValue)).map { "did you mean '\($0)'? " } ?? ""
                throw UsageError("unknown stage '\(name)' in --stages (\(hint)known: \(ladder.map(\.kind.rawValue).joined(separator: ", ")))")
            }
            return rung
        }
        return Options(data: try DataOptions(arguments), rungs: rungs, full: arguments.flag("full"), ensemble: arguments.flag("ensemble"),
                       samples: try arguments.int("samples", in: 0...1000) ?? 3, out: arguments.string("out"), json: arguments.flag("json"),
                       quiet: arguments.flag("quiet"), threads: try arguments.int("threads"),
                       saveEvery: try arguments.int("save-every", in: 1...100_000_000), tensorboard: arguments.string("tensorboard"))
    }

    /// Where `--save-every` writes `rung`'s checkpoint.
    static func checkpoint(_ rung: Rung, in out: String) -> String { (out as NSString).appendingPathComponent(rung.kind.rawValue + ".safetensors") }

    static func run(_ options: Options) throws {
        let clock = ContinuousClock.now
        if options.saveEvery != nil && options.out == nil { throw UsageError("--save-every needs --out DIR: each stage's checkpoint goes to DIR/<stage>.safetensors") }
        try OutputChecks.checkDirectory("tensorboard", options.tensorboard)
        if let out = options.out {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw UsageError("--out: \(out): is a file, not a directory")
            }
            try OutputChecks.checkDirectory("out", out)
            let checkpoints = options.saveEvery == nil ? [] : options.rungs.map { (checkpoint($0, in: out) as NSString).lastPathComponent }
            try OutputChecks.checkFiles("out", in: out, ["compare.md", "compare.json", "val_nll.svg"] + checkpoints, inputs: OutputChecks.inputs(options.data))
            if options.saveEvery != nil { try createDirectory(out) }
        }
        let dataset = try Dataset(split: options.data.split())
        var results: [JSONValue] = []
        var stages: [Stage] = []
        for rung in options.rungs {
            if !options.quiet { printError("compare: running \(rung.kind.rawValue)…") }
            guard var request = try StageRegistry.withCores(options.threads, { try rung.command.defaultRequest() }) else { continue }
            request.data = options.data  // the shared split; a checkpoint records where its words came from
            request.output.samples = options.samples
            if !options.full, var training = request.training {
                rung.definition.compareBudget?(&training.configuration)
                request.training = training
            }
            request.training?.quiet = options.quiet
            request.training?.tensorboard = options.tensorboard.map { ($0 as NSString).appendingPathComponent(rung.kind.rawValue) }
            if let every = options.saveEvery, let out = options.out {
                request.output.save = checkpoint(rung, in: out)
                request.training?.saveEvery = every
            }
            let (stage, report) = try StageRunner.run(request, dataset: dataset)
            results.append(report.json)
            stages.append(stage)
        }
        if options.ensemble {
            if !options.quiet { printError("compare: fitting the ensemble…") }
            results.append(try StageReport.ensemble(of: stages, dataset: dataset, samples: options.samples, seed: options.data.seed).json)
        }
        let table = markdownTable(results)
        let summary = JSONValue.object([
            ("split", .object(SplitName.allCases.map { ($0.rawValue, .integer(dataset.split[$0].count)) })),
            ("budget", .string(options.full ? "full" : "modest")),
            ("seconds", .number((ContinuousClock.now - clock).seconds)),
            ("stages", .array(results)),
        ])
        if let out = options.out {
            try createDirectory(out)
            try AtomicFile.write(table + "\n\n" + sampleLines(results).map { "- " + $0 }.joined(separator: "\n") + "\n", to: out + "/compare.md")
            try AtomicFile.write(summary.serialized + "\n", to: out + "/compare.json")
            let bars = results.map { ($0["model"]?.stringValue ?? "?", $0["loss"]?["val"]?.doubleValue ?? .nan) }
            try AtomicFile.write(BarChart(title: "val NLL per stage (lower is better)", unit: "nats", bars: bars).svg(), to: out + "/val_nll.svg")
        }
        if options.json {
            print(summary.serialized)
        } else {
            print(table)
            print()
            sampleLines(results).forEach { print($0) }
        }
    }

    /// Creates `--out`'s directory (and its parents) if missing.
    static func createDirectory(_ out: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw MakemoreError.file(path: out, reason: "cannot create the directory (\(SystemError.describe(error)))")
        }
    }

    /// | stage | parameters | train | val | test | train time | steps/s |
    static func markdownTable(_ results: [JSONValue]) -> String {
        func nll(_ r: JSONValue, _ split: String) -> String {
            guard let loss = r["loss"]?[split] else { return "—" }
            if let x = loss.doubleValue { return String(format: "%.4f", x) }
            return loss.stringValue ?? "—"
        }
        var lines = ["| stage | parameters | train NLL | val NLL | test NLL | train time | steps/s |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in results {
            var time = "—", rate = "—"
            if let seconds = r["train_seconds"]?.doubleValue, let steps = r["steps"]?.doubleValue {
                time = String(format: "%.1f s", seconds)
                if seconds > 0 { rate = String(format: "%.0f", steps / seconds) }
            }
            let model: String = r["model"]?.stringValue ?? "?"
            let parameters: Int = r["parameters"]?.intValue ?? 0
            let cells: [String] = [model, String(parameters), nll(r, "train"), nll(r, "val"), nll(r, "test"), time, rate]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    static func sampleLines(_ results: [JSONValue]) -> [String] {
        let weights = results.last?["ensemble"]?["members"]?.arrayValue.map { members in
            "ensemble weights: " + members.map { "\($0["model"]?.stringValue ?? "?") " + String(format: "%.3f", $0["weight"]?.doubleValue ?? .nan) }.joined(separator: ", ")
        }
        return results.map { r in
            let words = r["samples"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return "\(r["model"]?.stringValue ?? "?") samples: " + words.joined(separator: ", ")
        } + (weights.map { [$0] } ?? [])
    }
}
