import Foundation
import MakemoreKit

/// What one stage command asks for, parsed: the data, the model, the training, the outputs.
struct StageRequest {
    var data: DataOptions
    var output: OutputOptions
    var configuration: StageConfiguration
    /// nil for the count bigram, which does not train.
    var training: TrainingOptions?
    var diagnostics: DiagnosticsOptions?
    /// `--block-size` of a whole-word stage, if given.
    var blockSize: Int?
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

/// Runs a `StageRequest` through the library's `StageRun`: the flags' checks, then the run with
/// its progress, notes and samples on stderr.
enum StageRunner {
    /// The stage and its report; `dataset`, when given, replaces the one `request.data` names
    /// (compare's shared split).
    static func run(_ request: StageRequest, dataset shared: Dataset? = nil) throws -> (Stage, StageReport) {
        let quiet = request.training?.quiet ?? true
        var progress: ProgressReporter?
        var (stage, report) = try stageRun(request, dataset: shared).run { event in
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
            case .stopped(let step, let total, let path):
                printError("stopped at step \(step) of \(total); " + (path.map { "continue with: makemore \(request.kind.rawValue) --resume \($0)" }
                    ?? "nothing saved (give --save FILE to keep a run that --resume continues)"))
            }
        }
        report.extra += request.extra
        return (stage, report)
    }

    /// The library run `request` asks for, on `shared` or the words `request.data` names; its
    /// start and outputs are checked before any words are read.
    static func stageRun(_ request: StageRequest, dataset shared: Dataset?) throws -> StageRun {
        let data = request.data
        var run = StageRun(request.configuration, words: { try data.split() })
        if request.output.load != nil && request.training?.resume != nil { throw UsageError("give either --load or --resume, not both") }
        run.start = request.output.load.map(StageRun.Start.load) ?? request.training?.resume.map(StageRun.Start.resume) ?? .build
        (run.wordsGiven, run.source, run.seed, run.importHeads) = (data.isExplicit, data.source.absolute, data.source.seed, request.importHeads)
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
                                   diagnosticsPlots: request.diagnostics?.plotDirectory, embeddingPlot: request.output.plotEmbedding)
        (run.samples, run.temperature, run.topK, run.prefix) = (request.output.samples, request.temperature, request.topK, request.prefix)
        run.modelSettingsGiven = request.training?.modelFlagsGiven ?? []
        try run.validateStart()
        try checkOutputs(request)
        if case .build = run.start {
            let dataset = try shared ?? Dataset(split: data.split())
            if let blockSize = request.blockSize, blockSize <= dataset.longestWord {
                throw UsageError("--block-size \(blockSize) is too small: the longest word has \(dataset.longestWord) characters (needs \(dataset.longestWord + 1))")
            }
            run.dataset = dataset
        }
        return run
    }

    /// Every output `request` names, checked before any words are read.
    static func checkOutputs(_ request: StageRequest, more: [(name: String, path: String?)] = []) throws {
        for (flag, value) in [("stop-at", request.training?.stopAt), ("save-every", request.training?.saveEvery)] where value != nil && request.output.save == nil {
            throw UsageError("--\(flag) needs --save FILE to keep the state --resume continues from")
        }
        let others: [(name: String, path: String?)] = [("log", request.training?.log), ("plot-loss", request.training?.plotLoss),
                                                         ("plot-embedding", request.output.plotEmbedding)] + more
        try OutputPath.validate([("save", request.output.save)] + others, inputs: request.data.files + (request.output.load.map { [$0] } ?? []))
        // `--save` may replace the `--resume`d file (the run continues it); no other output may.
        if let resume = request.training?.resume { try OutputPath.validate(others, inputs: [resume]) }
        try OutputPath.validateCreatable(directory: request.diagnostics?.plotDirectory, name: "plot-diagnostics")
        try OutputPath.validateCreatable(directory: request.training?.tensorboard, name: "tensorboard")
    }

    /// Prints `report` as one JSON object or as text.
    static func emit(_ report: StageReport, json: Bool) {
        print(json ? report.json.serialized : report.text)
    }
}
