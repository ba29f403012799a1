import Foundation
import MakemoreKit

/// `makemore compare`: every stage on the same split, one table, one chart.
///
/// The split is written once to a temporary directory and each stage runs as
/// `makemore <stage> --split-dir DIR --json` (this same binary), so every stage provably sees
/// the same words and the stage commands stay the one definition of each stage.
enum CompareCommand: Subcommand {
    static let name = "compare"
    static let summary = "run every stage on the same split and compare their losses (the main job)"

    /// A stage in the comparison and the extra flags of its modest budget.
    struct Stage {
        let name: String
        let modest: [String]
    }

    static let ladder = [
        Stage(name: "bigram", modest: []),
        Stage(name: "neural-bigram", modest: ["--steps", "100"]),
        Stage(name: "mlp", modest: []),
        Stage(name: "wavenet", modest: ["--steps", "20000", "--decay-at", "15000"]),
        Stage(name: "bow", modest: ["--steps", "10000"]),
        Stage(name: "rnn", modest: ["--steps", "10000"]),
        Stage(name: "gru", modest: ["--steps", "10000"]),
        Stage(name: "transformer", modest: ["--steps", "8000", "--warmup", "300"]),
    ]

    static let options: [Option] = StageOptions.data + [
        Option("stages", value: "LIST", default: ladder.map(\.name).joined(separator: ","), "comma-separated stages to run"),
        Option(flag: "full", "train every stage with its full defaults instead of the modest budget"),
        Option("samples", value: "N", default: "3", "samples shown per stage"),
        Option("out", value: "DIR", "write compare.md, compare.json and val_nll.svg into DIR"),
        Option(flag: "json", "print one JSON object"),
    ]

    static func run(_ arguments: ParsedArguments) throws {
        let clock = ContinuousClock.now
        let names = arguments.string("stages")!.split(separator: ",").map(String.init)
        let chosen = try names.map { name in
            guard let stage = ladder.first(where: { $0.name == name }) else {
                throw UsageError("unknown stage '\(name)' in --stages (known: \(ladder.map(\.name).joined(separator: ", ")))")
            }
            return stage
        }
        let samples = try arguments.int("samples", in: 0...1000)!
        let seed = try arguments.seed("seed")!
        let split = try StageOptions.split(arguments)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("makemore-compare-\(UUID().uuidString)").path
        try split.write(to: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var results: [JSONValue] = []
        for stage in chosen {
            printError("compare: running \(stage.name)…")
            var stageArguments = [stage.name, "--split-dir", directory, "--seed", String(seed), "--samples", String(samples), "--json"]
            if !arguments.flag("full") { stageArguments += stage.modest }
            results.append(try runStage(stageArguments))
        }
        let table = markdownTable(results)
        let summary = JSONValue.object([
            ("split", .object(SplitName.allCases.map { ($0.rawValue, .integer(split[$0].count)) })),
            ("budget", .string(arguments.flag("full") ? "full" : "modest")),
            ("seconds", .number((ContinuousClock.now - clock).seconds)),
            ("stages", .array(results)),
        ])
        if let out = arguments.string("out") {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try AtomicFile.write(table + "\n\n" + sampleLines(results).map { "- " + $0 }.joined(separator: "\n") + "\n", to: out + "/compare.md")
            try AtomicFile.write(summary.serialized + "\n", to: out + "/compare.json")
            let bars = results.map { ($0["model"]?.stringValue ?? "?", $0["loss"]?["val"]?.doubleValue ?? .nan) }
            try AtomicFile.write(BarChart(title: "val NLL per stage (lower is better)", unit: "nats", bars: bars).svg(), to: out + "/val_nll.svg")
        }
        if arguments.flag("json") {
            print(summary.serialized)
        } else {
            print(table)
            print()
            sampleLines(results).forEach { print($0) }
        }
    }

    /// Runs this binary with `arguments` and parses its one JSON object.
    static func runStage(_ arguments: [String]) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MakemoreError("stage '\(arguments[0])' failed with exit code \(process.terminationStatus)")
        }
        do {
            return try JSONParser.parse([UInt8](data))
        } catch {
            throw MakemoreError("stage '\(arguments[0])' printed no JSON result (\(error))")
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
        results.map { r in
            let words = r["samples"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return "\(r["model"]?.stringValue ?? "?") samples: " + words.joined(separator: ", ")
        }
    }
}
