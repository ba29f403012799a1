import Foundation

/// One whole stage run, as `makemore <stage>` does it: build the stage (or load a checkpoint, or
/// resume one), train it with progress reported as events, show samples while training, log to
/// TensorBoard, save every N steps, write the outputs, and report. A program sets the typed
/// values and calls `run`; what happens is said through `onEvent`, nothing is printed.
///
/// ```swift
/// let words = try WordList.load(path: "names.txt")
/// var run = StageRun(.transformer(TransformerConfiguration())) {
///     try DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1)
/// }
/// run.training = StageRun.Training(StageKind.transformer.defaultTraining)
/// run.training?.configuration.steps = 2_000
/// run.outputs.checkpoint = "transformer.safetensors"
/// let (stage, report) = try run.run { event in if case .stopped(let step, let total, _) = event { print("stopped at \(step) of \(total)") } }
/// print(report.text, stage.step)
/// ```
public struct StageRun {
    /// Where the stage comes from.
    package enum Start: Sendable, Equatable {
        /// A fresh model of `configuration`.
        case build
        /// The model file at the path, evaluated and sampled, not trained (a training run of 0
        /// steps is recorded when `training` is set).
        case load(String)
        /// The model file at the path, trained further: the run it holds continues exactly
        /// (see `Training`), or, for weights only, a new run starts from them.
        case resume(String)
    }

    /// The training of a run and what happens while it trains.
    package struct Training {
        /// How to train: the steps in total, the optimizer, the schedule, the batches, ….
        package var configuration: TrainingConfiguration
        /// Whether `configuration.steps` is the total a resumed run trains to; otherwise it
        /// keeps the total it was started with.
        package var stepsGiven = true
        /// Names of the training settings the caller chose (for a run it resumes exactly, which
        /// keeps its own settings, each is refused with `ResumeConflict.settingGiven`).
        package var settingsGiven: [String] = []
        /// Stop after this many steps while keeping the schedule of `configuration.steps`.
        package var stopAt: Int?
        /// Write `outputs.checkpoint` every this many steps while training.
        package var saveEvery: Int?
        /// Every this many steps, five samples (`Event.samples`) drawn from a stream of their
        /// own, so the run's numbers stay as they are.
        package var sampleEvery: Int?
        /// A directory for TensorBoard event files.
        package var tensorboard: String?
        /// Set to catch Ctrl-C while training (`InterruptMonitor.shared`, installed when a
        /// build or resume starts training): the first stops training cleanly after the current
        /// step, the second calls this.
        package var onSecondInterrupt: (@Sendable () -> Void)?

        package init(_ configuration: TrainingConfiguration) { self.configuration = configuration }
    }

    /// What a run reports as it goes.
    public enum Event {
        /// Training starts: `configuration` is what it runs (a resumed run's own settings, 0
        /// steps for a loaded file).
        case willTrain(TrainingConfiguration)
        /// A training event: a step, an evaluation, a checkpoint written, diagnostics.
        case training(TrainingEvent)
        /// `Training.sampleEvery`'s samples after `step`, each tagged `new` or `in train`.
        case samples(step: Int, words: [(word: String, tag: SampleTag)])
        /// What the run does with a file it resumes: a line naming the file.
        case note(String)
        /// How a bare state dict was read (e.g. its attention heads).
        case imported(String)
        /// The checkpoint `outputs.checkpoint` was written.
        case saved(String)
        /// Training stopped at `step` of `total` steps (`Training.stopAt`, Ctrl-C); `checkpoint`
        /// holds the state a resumed run continues from, if one was written.
        case stopped(step: Int, total: Int, checkpoint: String?)
    }

    /// Why a run refuses to resume a file that holds a run's state: continuing it exactly keeps
    /// that run's settings and needs steps beyond those already taken.
    package enum ResumeConflict: Error, Equatable, CustomStringConvertible {
        /// The setting `name` was given, but the run at `path` keeps its own.
        case settingGiven(name: String, path: String)
        /// `steps` in total are no more than the `trained` steps of the run at `path`.
        case tooFewSteps(steps: Int, path: String, trained: Int)
        /// `stopAt` is no later than the `trained` steps of the run at `path`.
        case stopsTooEarly(stopAt: Int, path: String, trained: Int)

        package var description: String {
            switch self {
            case .settingGiven(let name, let path): "\(path) keeps the settings its run was started with; \(name) cannot change"
            case .tooFewSteps(let steps, let path, let trained): "\(path) was already trained \(trained) steps; \(steps) steps in total add none"
            case .stopsTooEarly(let stopAt, let path, let trained): "\(path) was already trained \(trained) steps; stopping at \(stopAt) trains none"
            }
        }
    }

    /// Why a run refuses settings its start would ignore: a loaded file is evaluated and
    /// sampled, not trained; a resumed file keeps the model its run was started with.
    package enum StartConflict: Error, Equatable, CustomStringConvertible {
        /// The training setting `name` was given for the file at `path`, which is loaded, not trained.
        case trainingALoadedFile(name: String, path: String)
        /// The model setting `name` was given for the file at `path`, which is resumed with its own model.
        case changingAResumedModel(name: String, path: String)

        package var description: String {
            switch self {
            case .trainingALoadedFile(let name, let path): "\(path) is loaded to be evaluated and sampled, not trained; \(name) does not apply (resume it to train it)"
            case .changingAResumedModel(let name, let path): "\(path) keeps the model its run was started with; \(name) cannot change"
            }
        }
    }

    /// The model to build; when loading, what a checkpoint does not store (e.g. the neural
    /// bigram's l2) and the kind the file must hold.
    package var configuration: StageConfiguration
    package var start = Start.build
    /// The words: split when the stage is built, or when a file is loaded on other words than
    /// its own (`wordsGiven`) or is a bare state dict.
    package var words: () throws -> DatasetSplit
    /// The dataset to build on instead of `words()` (e.g. a split shared by several runs).
    package var dataset: Dataset?
    /// Whether a loaded or resumed file is evaluated on `words` instead of the split it records.
    package var wordsGiven = false
    /// How `words` were made, its paths as given: the files an output may not replace, recorded
    /// in checkpoints with absolute paths (`SplitRecord.absolute`).
    package var source: SplitRecord?
    /// Seeds initialisation, batches and sampling.
    package var seed: UInt64 = 42
    /// Names of the model settings the caller chose (a resumed file keeps its own model, so each
    /// is refused with `StartConflict.changingAResumedModel`).
    package var modelSettingsGiven: [String] = []
    /// Attention heads of a transformer read from a bare state dict without `n_head`.
    package var importHeads: Int?
    /// How to train; nil for a stage that does not (the count bigram).
    package var training: Training?
    /// The files to write.
    package var outputs = StageOutputs()
    /// Words sampled for the report.
    package var samples = 10
    /// Sampling of a whole-word stage (ignored by the window stages, which sample as trained).
    package var temperature = 1.0
    package var topK: Int?
    package var prefix = ""

    /// The range of a run's own counts; `run` checks them and the flags parse against them.
    package enum Limits {
        /// Words sampled for the report.
        package static let samples = Limit("samples", 0...1_000_000)
        /// `Training.sampleEvery`.
        package static let sampleEvery = Limit("sample_every", 1...Int.max)
        /// `Training.saveEvery`.
        package static let saveEvery = Limit("save_every", 1...100_000_000)
    }

    package init(_ configuration: StageConfiguration, words: @escaping () throws -> DatasetSplit) {
        self.configuration = configuration
        self.words = words
    }

    /// The run's stage and report (its `seconds` from the call). Throws what `validate` throws
    /// (first), what building, loading, training or writing throws, a `ResumeConflict`, and
    /// `MakemoreError.invalidOutput` for an output that would replace the words the stage records.
    package func run(onEvent: @escaping (Event) -> Void = { _ in }) throws -> (stage: Stage, report: StageReport) {
        let clock = ContinuousClock.now
        try validate()
        let stage = try makeStage(onEvent)
        // The word list a loaded or resumed file records is an input too, known once it is read.
        let recorded = stage.source?.files ?? []
        try OutputPath.validate(outputs.files, inputs: recorded)
        try outputs.validateDiagnosticsPlots(inputs: recorded)
        var sampling: SamplingOptions?
        if configuration.kind.isSequenceModel {
            let options = try stage.samplingOptions(temperature: temperature, topK: topK, prefix: prefix)
            try options.checkPrefix(for: stage.inferenceModel)
            sampling = options
        }
        var trained: (history: TrainingHistory, configuration: TrainingConfiguration)?
        var tensorboard: TensorBoardLog?
        if let training {
            var configuration = training.configuration
            if case .load = start {
                configuration.steps = 0
            } else if let onSecondInterrupt = training.onSecondInterrupt {
                InterruptMonitor.shared.install(onSecondInterrupt: onSecondInterrupt)
            }
            let resuming = try resumedState(stage, configuration: &configuration, onEvent)
            tensorboard = try training.tensorboard.map { try TensorBoardLog(directory: $0) }
            let showSamples = training.sampleEvery.map { samplesWhileTraining(stage, every: $0, options: sampling, onEvent) }
            onEvent(.willTrain(configuration))
            let saving = training.saveEvery.flatMap { every in outputs.checkpoint.map { (every, $0) } }
            let interrupt = !isLoad && training.onSecondInterrupt != nil ? InterruptMonitor.shared : nil
            let history = try stage.train(configuration, resuming: resuming, stopAt: training.stopAt, interrupt: interrupt, saving: saving) { event in
                tensorboard?.record(event)
                onEvent(.training(event))
                if case .step(let p) = event { showSamples?(p.step) }
            }
            trained = (history, configuration)
        }
        try stage.write(outputs, training: trained)
        if let path = outputs.checkpoint { onEvent(.saved(path)) }
        if training != nil, !isLoad, let state = stage.trainingState {
            onEvent(.stopped(step: state.step, total: state.training.steps, checkpoint: outputs.checkpoint))
        }
        var report = try stage.report(samples: samples, options: sampling)
        try tensorboard?.finish(valLoss: report.losses[.val]??.nll, testLoss: report.losses[.test]??.nll, samples: report.samples)
        report.seconds = (ContinuousClock.now - clock).seconds
        return (stage, report)
    }

    /// Throws, before any words are read, for what the run would refuse or regret: a split
    /// that cannot be made as `source` asks (`SplitRecord.validate`); a `StartConflict`
    /// (`validateStart`); a count out of `Limits`; `MakemoreError.needs` for a
    /// stop step or periodic saving without a checkpoint to keep the run in; and
    /// `MakemoreError.invalidOutput` for an output that cannot be written, two outputs on one
    /// file, an output that would replace an input (the words `source` names, the loaded or
    /// resumed file, which only the checkpoint may replace to continue it), or a diagnostics or
    /// TensorBoard directory that cannot be created. `run` calls it first; a front end may call
    /// it before it reads any words.
    package func validate() throws {
        try source?.validate()
        try validateStart()
        try Limits.samples.check(samples)
        if let training {
            if let every = training.sampleEvery { try Limits.sampleEvery.check(every) }
            if let every = training.saveEvery { try Limits.saveEvery.check(every) }
            // Without a checkpoint, the stopped run, or the periodic saves, would be lost.
            for (name, value) in [(TrainingConfiguration.Limits.stopAt.name, training.stopAt), (Limits.saveEvery.name, training.saveEvery)]
            where value != nil && outputs.checkpoint == nil {
                throw MakemoreError.needs(name: name, needed: StageOutputs.checkpointName)
            }
        }
        var inputs = source?.files ?? []
        if case .load(let path) = start { inputs.append(path) }
        try OutputPath.validate(outputs.files, inputs: inputs)
        // The checkpoint may replace the file it resumes (the run continues it); no other output may.
        if case .resume(let path) = start {
            try OutputPath.validate(outputs.files.filter { $0.name != StageOutputs.checkpointName }, inputs: [path])
            inputs.append(path)
        }
        try OutputPath.validateCreatable(directory: outputs.diagnosticsPlots, name: StageOutputs.diagnosticsPlotsName)
        try outputs.validateDiagnosticsPlots(inputs: inputs)
        try OutputPath.validateCreatable(directory: training?.tensorboard, name: "tensorboard")
    }

    /// Throws a `StartConflict` for settings the start would ignore: a training setting
    /// (`Training.settingsGiven`, `stopAt`) for a loaded file, a model setting
    /// (`modelSettingsGiven`) for a resumed one. `run` checks it first; a front end may check it
    /// before it reads any words.
    package func validateStart() throws {
        switch start {
        case .build: break
        case .load(let path):
            if let training, let name = training.settingsGiven.first ?? training.stopAt.map({ _ in TrainingConfiguration.Limits.stopAt.name }) {
                throw StartConflict.trainingALoadedFile(name: name, path: path)
            }
        case .resume(let path):
            if let name = modelSettingsGiven.first { throw StartConflict.changingAResumedModel(name: name, path: path) }
        }
    }

    private var isLoad: Bool {
        if case .load = start { return true }
        return false
    }

    /// The run a resumed file continues exactly, its settings replacing `configuration`'s
    /// (`stepsGiven` may change the total); nil, said in a note, when the file holds weights
    /// only (a bare state dict, a finished run) or the words differ from its run's
    /// (fine-tuning): a new run of `configuration` then starts from its weights.
    private func resumedState(_ stage: Stage, configuration: inout TrainingConfiguration, _ onEvent: (Event) -> Void) throws -> TrainingState? {
        guard let training, case .resume(let path) = start else { return nil }
        guard let state = stage.trainingState else {
            onEvent(.note("\(path): no training state (a bare state dict, or a run that finished): training its weights with a new optimizer, schedule and batches"))
            return nil
        }
        if wordsGiven && source?.absolute != stage.source {
            onEvent(.note("\(path): other words than its run's: fine-tuning its weights with a new optimizer, schedule and batches"))
            return nil
        }
        if let name = training.settingsGiven.first { throw ResumeConflict.settingGiven(name: name, path: path) }
        let steps = training.stepsGiven ? configuration.steps : state.training.steps
        guard steps > state.step else { throw ResumeConflict.tooFewSteps(steps: steps, path: path, trained: state.step) }
        if let stopAt = training.stopAt, stopAt <= state.step { throw ResumeConflict.stopsTooEarly(stopAt: stopAt, path: path, trained: state.step) }
        let diagnostics = configuration.diagnosticsEvery
        configuration = state.training
        configuration.steps = steps
        configuration.diagnosticsEvery = diagnostics
        return state
    }

    /// What `Training.sampleEvery` does after each step: every `interval` steps, 5 samples
    /// tagged `new` or `in train`, drawn from a stream of their own (seeded from `seed`).
    private func samplesWhileTraining(_ stage: Stage, every interval: Int, options: SamplingOptions?,
                                      _ onEvent: @escaping (Event) -> Void) -> (Int) -> Void {
        let tagger = SampleTagger(split: stage.dataset.split, checking: [.train])
        var generator = RandomGenerator(seed: seed ^ 0x5A4D_504C_4553)  // "SMPLES": apart from the run's stream
        return { step in
            guard step % interval == 0, let words = try? stage.sampleWhileTraining(count: 5, options: options, using: &generator) else { return }
            onEvent(.samples(step: step, words: words.map { ($0, tagger.tag($0)) }))
        }
    }

    /// A fresh stage on `dataset` (or `words()`), or the loaded or resumed one.
    private func makeStage(_ onEvent: (Event) -> Void) throws -> Stage {
        let path: String
        switch start {
        case .build: return try Stage(configuration, dataset: dataset ?? Dataset(split: words()), seed: seed, source: source?.absolute)
        case .load(let file), .resume(let file): path = file
        }
        let (stage, note) = try Stage.load(modelFile: path, expecting: configuration.kind, words: words, wordsGiven: wordsGiven,
                                           seed: seed, settings: configuration, heads: importHeads, source: source?.absolute)
        if let note { onEvent(.imported(note)) }
        return stage
    }
}
