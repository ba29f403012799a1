import Foundation
import CommandLineOptions
import MakemoreKit

/// What one stage command asks for, parsed: the library's run, checked (`StageRun.validate`)
/// before any words are read, and how it is shown.
struct StageRequest {
    var run: StageRun
    /// `--json`: the report as one JSON object.
    var json: Bool
    /// `--quiet`, or a stage that does not train: no progress on stderr.
    var quiet: Bool
    /// Fields appended to the report.
    var extra: [(String, JSONValue)] = []
}

/// Runs a `StageRequest` through the library's `StageRun`, with its progress, notes and
/// samples on stderr.
enum StageRunner {
    /// The stage and its report.
    static func run(_ request: StageRequest) throws -> (Stage, StageReport) {
        let quiet = request.quiet
        var progress: ProgressReporter?
        var (stage, report) = try request.run.run { event in
            switch event {
            case .willTrain(let configuration): progress = ProgressReporter(total: configuration.steps, enabled: !quiet)
            case .training(.diagnostics(let snapshot)): printError(snapshot.table)
            case .training(let event): progress?.report(event)
            case .samples(let step, let words):
                let line = "step \(step) samples: " + words.map { "\($0.word) (\($0.tag))" }.joined(separator: ", ")
                if quiet { printError(line) } else { progress?.note(line) }
            case .note(let line): printError(line)
            case .imported(let note): printError("makemore: note: \(note)")
            case .saved(let path): if !request.json { printError("saved \(path)") }
            case .stopped(let step, let total, let path): printError(stoppedLine(request.run.configuration.kind, step: step, total: total, checkpoint: path))
            }
        }
        report.extra += request.extra
        return (stage, report)
    }

    /// The line saying a run of `kind` stopped at `step` of `total`, and how to continue it
    /// from `checkpoint` if one was written.
    static func stoppedLine(_ kind: StageKind, step: Int, total: Int, checkpoint: String?) -> String {
        "stopped at step \(step) of \(total); " + (checkpoint.map { "continue with: makemore \(kind.rawValue) --resume \($0)" }
            ?? "nothing saved (give --save FILE to keep a run that --resume continues)")
    }

    /// Prints `report` as one JSON object or as text.
    static func emit(_ report: StageReport, json: Bool) {
        print(json ? report.json.serialized : report.text)
    }
}
