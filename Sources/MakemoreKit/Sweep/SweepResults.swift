import Foundation

/// A sweep's results directory read back: every shard's `results-*.jsonl` merged, ranked by val
/// NLL (failed trials last), as a table, the best trial's command and an SVG of val NLL against
/// each swept flag. Untrusted like any input: each line must be a result object, at most 64 MiB
/// in all.
package struct SweepResults: Sendable {
    /// One finished trial.
    package struct Trial: Sendable {
        package var trial: Int
        package var settings: [(String, JSONValue)]
        package var command: String
        package var valLoss: Double?
        package var json: JSONValue
    }

    /// The results directory.
    package let directory: String
    package let spec: JSONValue
    /// The results files read.
    package let files: [String]
    /// The trials, best first (lowest val NLL; ties by trial number; failed ones last).
    package let ranked: [Trial]

    /// The results in `directory`.
    package init(directory: String) throws {
        self.directory = directory
        spec = try SweepResults.readSpec(directory: directory)
        files = SweepResults.resultFiles(in: directory)
        ranked = try SweepResults.read(directory: directory).sorted {
            ($0.valLoss ?? .infinity, $0.trial) < ($1.valLoss ?? .infinity, $1.trial)
        }
    }

    /// The recorded spec of `directory`.
    static func readSpec(directory: String) throws -> JSONValue {
        let path = SweepRun.specPath(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "no such file (not a sweep's results directory)") }
        guard data.count <= SweepSpec.maximumBytes * 2, let spec = try? JSONParser.parse([UInt8](data)), spec["flags"]?.objectValue != nil else {
            throw MakemoreError.file(path: path, reason: "is not a sweep spec")
        }
        return spec
    }

    /// Every result line of every shard's file in `directory`, the first of each trial kept.
    static func read(directory: String) throws -> [Trial] {
        var seen = Set<Int>()
        var trials: [Trial] = []
        var total = 0
        for path in resultFiles(in: directory) {
            guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "cannot be read") }
            total += data.count
            guard total <= 64 << 20 else { throw MakemoreError.file(path: path, reason: "the results files hold more than 64 MiB") }
            for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
                guard let json = try? JSONParser.parse([UInt8](line)), let index = json["trial"]?.intValue, index >= 0,
                      let settings = json["settings"]?.objectValue, let command = json["command"]?.stringValue
                else { throw MakemoreError.file(path: path, reason: "line \(number + 1) is not a sweep result") }
                guard seen.insert(index).inserted else { continue }
                trials.append(Trial(trial: index, settings: settings, command: command, valLoss: json["val_loss"]?.doubleValue, json: json))
            }
        }
        return trials
    }

    /// The shards' results files in `directory`, by name.
    static func resultFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("results-") && $0.hasSuffix(".jsonl") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// The swept flags' names, in the spec's order.
    package var sweptFlags: [String] { spec["flags"]?.objectValue?.map(\.0) ?? [] }

    /// The ranking as text: one row per trial (rank, trial, val NLL, swept values), then the
    /// best trial's command.
    package var table: String {
        let flags = sweptFlags
        let header = ["rank", "trial", "val NLL"] + flags
        let rows = ranked.enumerated().map { rank, trial in
            [String(rank + 1), String(trial.trial), trial.valLoss.map { String(format: "%.4f", $0) } ?? "failed"]
                + flags.map { flag in trial.settings.first { $0.0 == flag }.map { SweepResults.text($0.1) } ?? "" }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func format(_ row: [String]) -> String {
            let padded = row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            return String(padded.reversed().drop { $0 == " " }.reversed())
        }
        var lines = [format(header)] + rows.map(format)
        if let best = ranked.first, best.valLoss != nil { lines += ["", "best: \(best.command)"] }
        return lines.joined(separator: "\n")
    }

    /// The ranking as JSON: `trials` (best first, each its result line) and `best_command`.
    package var json: JSONValue {
        .object([("trials", .array(ranked.map(\.json))), ("best_command", ranked.first.map { .string($0.command) } ?? .null)])
    }

    /// Writes `svg()` to `path`, atomically, unless it would replace the spec or a results file
    /// of the directory (`MakemoreError.invalidOutput`, named `plot`).
    package func writePlot(to path: String) throws {
        try OutputPath.validate([("plot", path)], inputs: [SweepRun.specPath(in: directory)] + files)
        try AtomicFile.write(svg(), to: path)
    }

    /// Val NLL against each swept flag, one chart per flag stacked in one SVG: numbers on a
    /// linear axis (logarithmic when the spec's range is), other values at their list positions.
    package func svg() -> String {
        let flags = sweptFlags
        let height = 320
        var body = "", documentWidth = 720
        for (row, flag) in flags.enumerated() {
            let domain = spec["flags"]?[flag]
            let values = ranked.compactMap { trial -> (JSONValue, Double)? in
                guard let loss = trial.valLoss, let value = trial.settings.first(where: { $0.0 == flag })?.1 else { return nil }
                return (value, loss)
            }
            let listed = domain?.arrayValue ?? []
            let numeric = values.allSatisfy { $0.0.doubleValue != nil }
            let points = values.map { value, loss in
                (x: numeric ? value.doubleValue! : Double(listed.firstIndex(of: value) ?? 0), y: loss)
            }
            let logX = domain?["log"] == .bool(true) && points.allSatisfy { $0.x > 0 }
            let label = numeric ? flag : "\(flag): " + listed.enumerated().map { "\($0.offset) = \(SweepResults.text($0.element))" }.joined(separator: ", ")
            let chart = LineChart(title: "val NLL against --\(flag)", xLabel: label, yLabel: "val NLL (nats)", logX: logX,
                                  series: [LineChart.Series(label: "trials", points: points, color: "#1f77b4", markers: true)])
            documentWidth = max(documentWidth, chart.documentWidth(forWidth: 720))  // the legend included
            body += "<g transform=\"translate(0,\(row * height))\">" + chart.svg(width: 720, height: height)
                .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "") + "</g>\n"
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(documentWidth)\" height=\"\(max(1, flags.count) * height)\">\n\(body)</svg>\n"
    }

    /// A value as a table shows it.
    static func text(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        if case .number(let x) = value { return String(format: "%.4g", x) }
        return value.serialized
    }
}
