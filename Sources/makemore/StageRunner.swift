import Foundation
import CommandLineOptions
import MakemoreKit

/// What one stage command asks for, parsed: the data, the model, the training, the outputs.
struct StageRequest {
    var data: DataOptions
    var output: OutputOptions
    var configuration: StageConfiguration
    /// nil for the count bigram, which does not train.
    var training: TrainingOptions?
    var diagnostics: DiagnosticsOptions?
    /// `--temperature`, `--top-k`, `--prefix` of a whole-word stage.
    var temperature = 1.0
    var topK: Int?
    var prefix = ""
    /// `--heads` of a transformer read from a bare state dict without `n_head` metadata.
    var importHeads: Int?
    /// Fields appended to the report.
    var extra: [(String, JSONValue)] = []

    var kind: StageKind { configuration.kind }
}

/// Runs a `StageRequest` through the library's `StageRun`, which checks it, with its progress,
/// notes and samples on stderr.
enum StageRunner {
    /// The stage and its report.
    static func run(_ request: StageRequest) throws -> (Stage, StageReport) {
        let quiet = request.training?.quiet ?? true
        var progress: ProgressReporter?
        var (stage, report) = try stageRun(request).run { event in
            switch event {
            case .willTrain(let configuration): progress = ProgressReporter(total: configuration.steps, enabled: !quiet)
            case .training(.diagnostics(let snapshot)): printError(snapshot.table)
            case .training(let event): progress?.report(event)
            case .samples(let step, let words):
                let line = "step \(step) samples: " + words.map { "\($0.word) (\($0.tag))" }.joined(separator: ", ")
                if quiet { printError(line) } else { progress?.note(line) }
            case .note(let line): printError(line)
            case .imported(let note): printError("makemore: note: \(note)")
            case .saved(let path): if !request.output.json { printError("saved \(path)") }
            case .stopped(let step, let total, let path): printError(stoppedLine(request.kind, step: step, total: total, checkpoint: path))
            }
        }
        report.extra += request.extra
        return (stage, report)
    }

    /// The library run `request` asks for, checked (`StageRun.validate`) before any words are read.
    static func stageRun(_ request: StageRequest) throws -> StageRun {
        let data = request.data
        var run = StageRun(request.configuration, words: { try data.split() })
        if request.output.load != nil && request.training?.resume != nil { throw UsageError("give either --load or --resume, not both") }
        run.start = request.output.load.map(StageRun.Start.load) ?? request.training?.resume.map(StageRun.Start.resume) ?? .build
        (run.wordsGiven, run.source, run.seed, run.importHeads) = (data.isExplicit, data.source, data.source.seed, request.importHeads)
        run.training = request.training.map { options in
            var training = StageRun.Training(options.configuration)
            training.configuration.diagnosticsEvery = request.diagnostics?.every
            // --steps is one more setting a loaded file does not train with (a resumed run's total).
            let steps = options.stepsGiven && request.output.load != nil ? ["steps"] : []
            (training.stepsGiven, training.settingsGiven, training.stopAt) = (options.stepsGiven, steps + options.settingsGiven, options.stopAt)
            (training.saveEvery, training.sampleEvery, training.tensorboard) = (options.saveEvery, options.sampleEvery, options.tensorboard)
            training.onSecondInterrupt = { exit(130) }
            return training
        }
        run.outputs = StageOutputs(checkpoint: request.output.save, log: request.training?.log, lossPlot: request.training?.plotLoss,
                                   diagnosticsPlots: request.diagnostics?.plotDirectory, embeddingPlot: request.output.plotEmbedding,
                                   countPlot: request.output.plotCounts)
        (run.samples, run.temperature, run.topK, run.prefix) = (request.output.samples, request.temperature, request.topK, request.prefix)
        run.modelSettingsGiven = request.training?.modelFlagsGiven ?? []
        try run.validate()
        return run
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
