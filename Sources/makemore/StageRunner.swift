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

/// Runs a `StageRequest` through the library's `Stage`: build or load, train with progress on
/// stderr, write the requested files (`Stage.write`), report.
enum StageRunner {
    /// The stage and its report; `dataset`, when given, replaces the one `request.data` names
    /// (compare's shared split).
    static func run(_ request: StageRequest, dataset: Dataset? = nil) throws -> (Stage, StageReport) {
        let clock = ContinuousClock.now
        try checkOutputs(request)
        let stage = try makeStage(request, dataset: dataset)
        var sampling: SamplingOptions?
        if request.kind.isSequenceModel {
            let options = try stage.samplingOptions(temperature: request.temperature, topK: request.topK, prefix: request.prefix)
            try options.checkPrefix(for: stage.inferenceModel)
            sampling = options
        }
        var trained: (history: TrainingHistory, configuration: TrainingConfiguration)?
        var tensorboard: TensorBoardLog?
        if let training = request.training {
            var configuration = training.configuration
            configuration.diagnosticsEvery = request.diagnostics?.every
            let loaded = request.output.load != nil
            if loaded { configuration.steps = 0 } else { InterruptMonitor.shared.install { exit(130) } }
            let resuming = try resumedState(request, stage: stage, configuration: &configuration)
            let progress = ProgressReporter(total: configuration.steps, enabled: !training.quiet)
            tensorboard = try training.tensorboard.map { try TensorBoardLog(directory: $0) }
            let showSamples = training.sampleEvery.map {
                samplesWhileTraining(stage, every: $0, seed: request.data.seed, options: sampling, progress: progress, quiet: training.quiet)
            }
            let saving = training.saveEvery.flatMap { every in request.output.save.map { (every, $0) } }
            let history = try stage.train(configuration, resuming: resuming, stopAt: training.stopAt, interrupt: loaded ? nil : .shared,
                                          saving: saving) { event in
                tensorboard?.record(event)
                if case .diagnostics(let snapshot) = event { printError(snapshot.table) } else { progress.report(event) }
                if case .step(let p) = event { showSamples?(p.step) }
            }
            trained = (history, configuration)
        }
        try stage.write(StageOutputs(checkpoint: request.output.save, log: request.training?.log, lossPlot: request.training?.plotLoss,
                                     diagnosticsPlots: request.diagnostics?.plotDirectory, embeddingPlot: request.output.plotEmbedding),
                        training: trained)
        if let path = request.output.save, !request.output.json { printError("saved \(path)") }
        if request.training != nil, request.output.load == nil, let state = stage.trainingState {
            printError("stopped at step \(state.step) of \(state.training.steps); " + (request.output.save.map {
                "continue with: makemore \(request.kind.rawValue) --resume \($0)"
            } ?? "nothing saved (give --save FILE to keep a run that --resume continues)"))
        }
        var report = try stage.report(samples: request.output.samples, options: sampling)
        try tensorboard?.finish(valLoss: report.losses[.val]??.nll, testLoss: report.losses[.test]??.nll, samples: report.samples)
        report.extra += request.extra
        report.seconds = (ContinuousClock.now - clock).seconds
        return (stage, report)
    }

    /// The run `--resume` continues exactly, its settings replacing the flags' (`--steps` may
    /// change the total); nil, said on stderr, when the file holds weights only (a bare state
    /// dict, a finished run) or the words differ from its run's (fine-tuning): a new run of the
    /// flags' settings then starts from its weights.
    private static func resumedState(_ request: StageRequest, stage: Stage, configuration: inout TrainingConfiguration) throws -> TrainingState? {
        guard let training = request.training, let path = training.resume else { return nil }
        guard let state = stage.trainingState else {
            printError("\(path): no training state (a bare state dict, or a run that finished): training its weights with a new optimizer, schedule and batches")
            return nil
        }
        if request.data.isExplicit && request.data.record != stage.source {
            printError("\(path): other words than its run's: fine-tuning its weights with a new optimizer, schedule and batches")
            return nil
        }
        if let flag = training.settingsGiven.first {
            throw UsageError("--\(flag): a resumed run keeps the settings it was started with; only --steps and --stop-at apply")
        }
        let steps = training.stepsGiven ? configuration.steps : state.training.steps
        guard steps > state.step else {
            throw UsageError("--steps \(steps): \(path) was already trained \(state.step) steps; ask for more to resume it")
        }
        if let stopAt = training.stopAt, stopAt <= state.step {
            throw UsageError("--stop-at \(stopAt): \(path) was already trained \(state.step) steps; stop later to resume it")
        }
        let diagnostics = configuration.diagnosticsEvery
        configuration = state.training
        configuration.steps = steps
        configuration.diagnosticsEvery = diagnostics
        return state
    }

    /// Every output `request` names, checked before any data is loaded.
    static func checkOutputs(_ request: StageRequest, more: [(flag: String, path: String?)] = []) throws {
        if request.output.load != nil && request.training?.resume != nil { throw UsageError("give either --load or --resume, not both") }
        if let training = request.training, request.output.load != nil,
           let flag = ((training.stepsGiven ? ["steps"] : []) + training.settingsGiven + (training.stopAt != nil ? ["stop-at"] : [])).first {
            throw UsageError("--\(flag): --load only evaluates and samples a checkpoint; to train it further, use --resume FILE (with --steps N in total)")
        }
        if let training = request.training, let path = training.resume, let flag = training.modelFlagsGiven.first {
            throw UsageError("--\(flag): \(path) is resumed with the model and threads it was started with; only --steps and --stop-at apply")
        }
        for (flag, value) in [("stop-at", request.training?.stopAt), ("save-every", request.training?.saveEvery)] where value != nil && request.output.save == nil {
            throw UsageError("--\(flag) needs --save FILE to keep the state --resume continues from")
        }
        let others: [(flag: String, path: String?)] = [("log", request.training?.log), ("plot-loss", request.training?.plotLoss),
                                                         ("plot-embedding", request.output.plotEmbedding)] + more
        try OutputChecks.check([("save", request.output.save)] + others, inputs: OutputChecks.inputs(request.data, load: request.output.load))
        // `--save` may replace the `--resume`d file (the run continues it); no other output may.
        if let resume = request.training?.resume { try OutputChecks.check(others, inputs: [resume]) }
        try OutputChecks.checkDirectory("plot-diagnostics", request.diagnostics?.plotDirectory)
        try OutputChecks.checkDirectory("tensorboard", request.training?.tensorboard)
    }

    /// What `--sample-every N` does after each step: every N steps, 5 samples on stderr, tagged
    /// `new` or `in train`, drawn from a stream of their own (seeded from `seed`).
    private static func samplesWhileTraining(_ stage: Stage, every interval: Int, seed: UInt64, options: SamplingOptions?,
                                             progress: ProgressReporter, quiet: Bool) -> (Int) -> Void {
        let tagger = SampleTagger(split: stage.dataset.split, checking: [.train])
        var generator = RandomGenerator(seed: seed ^ 0x5A4D_504C_4553)  // "SMPLES": apart from the run's stream
        return { step in
            guard step % interval == 0, let words = try? stage.sampleWhileTraining(count: 5, options: options, using: &generator) else { return }
            let line = "step \(step) samples: " + words.map { "\($0) (\(tagger.tag($0)))" }.joined(separator: ", ")
            if quiet { printError(line) } else { progress.note(line) }
        }
    }

    /// A fresh stage on the requested data, or the `--load`ed one.
    private static func makeStage(_ request: StageRequest, dataset shared: Dataset?) throws -> Stage {
        let data = request.data
        guard let path = request.output.load ?? request.training?.resume else {
            let dataset = try shared ?? Dataset(split: data.split())
            if let blockSize = request.blockSize, blockSize <= dataset.longestWord {
                throw UsageError("--block-size \(blockSize) is too small: the longest word has \(dataset.longestWord) characters (needs \(dataset.longestWord + 1))")
            }
            return try Stage(request.configuration, dataset: dataset, seed: data.seed, source: data.record)
        }
        let (stage, note) = try Stage.load(modelFile: path, expecting: request.kind, words: { try data.split() }, wordsGiven: data.isExplicit,
                                           seed: data.seed, settings: request.configuration, heads: request.importHeads, source: data.record)
        if let note { printError("makemore: note: \(note)") }
        return stage
    }

    /// Prints `report` as one JSON object or as text.
    static func emit(_ report: StageReport, json: Bool) {
        print(json ? report.json.serialized : report.text)
    }
}
