import Foundation
import MakemoreKernels

/// One stage of the ladder as a Swift value: a model built from a typed configuration (or a
/// checkpoint) on a dataset, trained, evaluated with the one evaluator, sampled with the one
/// sampler, saved and reported. Everything `makemore <stage>` and `makemore compare` do goes
/// through here.
///
/// ```swift
/// let words = try WordList.load(path: "names.txt")
/// let dataset = try Dataset(split: DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1))
/// let stage = try Stage(.mlp(MLPConfiguration()), dataset: dataset, seed: 42)
/// try stage.train(TrainingConfiguration(steps: 2_000, learningRate: 0.1))
/// print(stage.evaluate(.val)?.nll ?? .nan, try stage.sample(count: 5))
/// ```
///
/// One seeded generator draws the initialisation, every batch and every sample, in that order,
/// so the same calls with the same seed give the same numbers. A stage is used by one task at
/// a time.
public final class Stage {
    /// The words the stage trains and is evaluated on, and its vocabulary.
    public let dataset: Dataset
    /// Where `dataset` came from, recorded in saved checkpoints so they can rebuild it.
    public var source: SplitRecord?
    /// Steps the model has been trained, over checkpoints: the best state's step when a run
    /// kept one.
    public private(set) var step: Int
    /// The last training run, if any.
    public private(set) var history: TrainingHistory?
    /// The configuration of the last training run, if any.
    public private(set) var training: TrainingConfiguration?
    /// Where an unfinished run stopped (the last run, if it stopped before its last step, or
    /// the loaded checkpoint's run): pass it to `train(_:resuming:…)` to continue that run
    /// exactly. `save` stores it.
    package private(set) var trainingState: TrainingState?
    private let engine: any StageEngine
    private let seed: UInt64
    private var generator: RandomGenerator

    /// A fresh model of `configuration` on `dataset`, initialised from `seed` (the count bigram
    /// is fitted here). Throws for a configuration the data or the architecture rules out.
    public init(_ configuration: StageConfiguration, dataset: Dataset, seed: UInt64, source: SplitRecord? = nil) throws {
        guard !dataset.train.isEmpty else { throw MakemoreError.invalidValue(name: "dataset", rule: "a training split of 1 or more words", value: "none") }
        self.dataset = dataset
        self.source = source
        self.seed = seed
        step = 0
        var generator = RandomGenerator(seed: seed)
        engine = try configuration.kind.definition.build(configuration, dataset, &generator)
        self.generator = generator
    }

    /// The model stored in `checkpoint` (read from `path`, which names it in errors), on
    /// `split` with the checkpoint's vocabulary, or on the split the checkpoint records. With
    /// `expecting`, a checkpoint of another stage is an error. `seed` starts the generator that
    /// further training and sampling draw from. `settings` gives what a checkpoint does not
    /// store (the neural bigram's l2 penalty); the stage's defaults apply otherwise.
    package init(checkpoint: Checkpoint, path: String, split: DatasetSplit? = nil, seed: UInt64, expecting expected: StageKind? = nil,
                settings: StageConfiguration? = nil) throws {
        let definition = try StageRegistry.definition(checkpoint: checkpoint, path: path)
        let kind = definition.kind
        if let expected, expected != kind { throw MakemoreError.file(path: path, reason: "holds a '\(kind.rawValue)' model, not '\(expected.rawValue)'") }
        let words = try checkpoint.loadWords(given: split, path: path)
        let known = Set(checkpoint.vocabulary.characters)
        let foreign = Set(SplitName.allCases.flatMap { words[$0].flatMap(Array.init) }).subtracting(known)
        guard foreign.isEmpty else {
            let listed = foreign.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw MakemoreError.file(path: path, reason: "the words use \(listed), not in the model's vocabulary of \(known.count) characters")
        }
        let dataset = try Dataset(split: words, vocabulary: checkpoint.vocabulary)
        self.dataset = dataset
        source = checkpoint.split
        self.seed = seed
        step = checkpoint.step
        trainingState = checkpoint.trainingState
        generator = RandomGenerator(seed: seed)
        engine = try definition.restore(checkpoint, path, dataset, settings)
    }

    /// The checkpoint at `path`; see `init(checkpoint:path:split:seed:expecting:settings:)`.
    public convenience init(loading path: String, split: DatasetSplit? = nil, seed: UInt64 = 42, expecting expected: StageKind? = nil,
                            settings: StageConfiguration? = nil) throws {
        try self.init(checkpoint: Checkpoint.read(path: path), path: path, split: split, seed: seed, expecting: expected, settings: settings)
    }

    /// The model of a bare state dict (makemore.py's `model.pt`, a parameters-only safetensors
    /// export; see `ImportedModel`) on `dataset`, whose vocabulary must have the weights' size
    /// and whose words must fit the model's block. `step` starts at 0: a state dict records none.
    public init(importing imported: ImportedModel, path: String, dataset: Dataset, seed: UInt64, source: SplitRecord? = nil) throws {
        let model = imported.model
        guard model.vocabularySize == dataset.vocabulary.size else {
            throw MakemoreError.file(path: path, reason: "the weights have \(model.vocabularySize) tokens, the vocabulary of the given data has \(dataset.vocabulary.size)")
        }
        try StageDefinition.checkFit(model, dataset, path: path)
        let kind = type(of: model).kind
        guard let engine = StageRegistry.definition(named: kind)?.adopt(model, dataset) else {
            throw MakemoreError.file(path: path, reason: "a '\(kind)' model is not a stage")
        }
        self.engine = engine
        self.dataset = dataset
        self.source = source
        self.seed = seed
        step = 0
        generator = RandomGenerator(seed: seed)
    }

    /// The memory `training` needs with this model: the batch's rows are windows, or token
    /// positions of whole words (block size each); a full batch is the whole training set; plus
    /// what the engine allocates besides (`StageEngine.extraFootprint`).
    func memoryEstimate(_ training: TrainingConfiguration) -> MemoryEstimate? {
        guard engine.trains else { return nil }
        func estimate<M: CheckpointableModel>(_ model: M) -> MemoryEstimate {
            let rows: Int
            if let limit = model.maximumWordLength {
                rows = (training.batchSize ?? dataset.train.count).multipliedReportingOverflow(by: limit + 1).partialValue
            } else {
                rows = training.batchSize ?? dataset.train.reduce(0) { $0 + $1.count + 1 }
            }
            let extra = engine.extraFootprint
            var estimate = MemoryEstimate(M.self, configuration: model.configuration, vocabularySize: model.vocabularySize,
                                          rowsPerStep: max(rows, extra.fullPassRows), copies: training.threads)
            estimate.activationElements += extra.elements
            return estimate
        }
        return estimate(engine.trainedModel)
    }

    /// Which stage this is.
    public var kind: StageKind { engine.configuration.kind }
    /// The model's hyperparameters, sizes filled in from the data.
    public var configuration: StageConfiguration { engine.configuration }
    /// The model as trained (what `save` stores).
    public var model: any CheckpointableModel { engine.trainedModel }
    /// The model evaluated and sampled: `model`, or for a window network with BatchNorm the
    /// equivalent model with BatchNorm folded into the Linear before it.
    package var inferenceModel: any LanguageModel { engine.inference }
    /// Learned numbers of `model`.
    public var parameterCount: Int { engine.parameterCount }
    /// The most tokens a sampled word may have, for sequence models (block size − 1).
    public var maximumWordLength: Int? { engine.inference.maximumWordLength }
    /// The training diagnostics of the last run of a window network, if it took any.
    package var diagnostics: TrainingDiagnostics? { engine.diagnostics }

    /// Trains the model as `training` says (the count bigram, fitted when built, ignores it) and
    /// returns the run's history; the model ends with the state the run selected (the best
    /// evaluation, the moving average). Stops cleanly after the current step when the calling
    /// task is cancelled. `onEvent` sees the progress as it happens. Throws if `training` is out
    /// of range or the loss diverges.
    @discardableResult
    public func train(_ training: TrainingConfiguration, onEvent: ((TrainingEvent) -> Void)? = nil) throws -> TrainingHistory {
        try train(training, resuming: nil, stopAt: nil, interrupt: nil, saving: nil, onEvent: onEvent)
    }

    /// Trains as `train(_:onEvent:)` does. With `resuming` (a `trainingState`), continues that run
    /// from its step to `training.steps` in total, exactly as if it had never stopped; `stopAt`
    /// ends the run after that many steps while keeping the schedule of `training.steps`,
    /// leaving `trainingState` to resume it. Stops cleanly after the current step (also
    /// resumable) when `interrupt` reports Ctrl-C or the calling task is cancelled. `onEvent`
    /// sees the progress as it happens. With `saving`, every `every` steps a checkpoint of the
    /// run so far is written atomically to `path` (see `saveWhileTraining`), reported as
    /// `.saved`. Throws if the loss diverges, `resuming` does not fit or a checkpoint cannot be
    /// written.
    @discardableResult
    package func train(_ training: TrainingConfiguration, resuming state: TrainingState? = nil, stopAt: Int? = nil,
                      interrupt: InterruptMonitor? = nil, saving: (every: Int, path: String)? = nil,
                      onEvent: ((TrainingEvent) -> Void)? = nil) throws -> TrainingHistory {
        try train(training, resuming: state, stopAt: stopAt, saving: saving, isStopped: { interrupt?.isRequested == true || Task.isCancelled },
                  onEvent: onEvent)
    }

    /// `train` stopping after the step at which `isStopped` first says so.
    func train(_ training: TrainingConfiguration, resuming state: TrainingState? = nil, stopAt: Int? = nil,
               saving: (every: Int, path: String)? = nil, isStopped: @escaping () -> Bool,
               onEvent: ((TrainingEvent) -> Void)? = nil) throws -> TrainingHistory {
        try training.validate()
        if let stopAt { try TrainingConfiguration.Limits.stopAt.check(stopAt) }
        var loop = TrainingLoop(steps: training.steps, learningRate: training.learningRate, schedule: training.learningRateSchedule,
                                evaluateEvery: training.evaluateEvery)
        loop.stopAt = stopAt
        loop.resuming = state
        loop.configuration = training
        loop.shouldStop = isStopped
        try memoryEstimate(training)?.check()
        // Ten times the uniform baseline, checked once the warm-up (at least 100 steps, and
        // always the last step) is over: a loss still that high has diverged.
        loop.divergence = (10 * Float(log(Double(dataset.vocabulary.size))), min(max(training.warmupSteps, 100), training.steps))
        loop.onEvent = onEvent
        if let saving {
            let stepsBefore = state == nil ? step : 0
            loop.checkpointEvery = saving.every
            loop.checkpoint = { [unowned self] state in
                try saveWhileTraining(state, stepsBefore: stepsBefore, to: saving.path)
                onEvent?(.saved(step: state.step, path: saving.path))
            }
        }
        let history = try engine.train(training, loop: loop, using: &generator) ?? TrainingHistory()
        if engine.trains {
            self.history = history
            self.training = training
            trainingState = history.resumable
            if state == nil {
                step += history.best?.step ?? history.steps
            } else {
                step = history.best?.step ?? history.startStep + history.steps
            }
        }
        onEvent?(.finished(history))
        return history
    }

    /// Trains as `train` does, on a thread of its own, as an asynchronous sequence of its
    /// events (`.finished` last). The run goes one event at a time: after each event it waits
    /// until the consumer asks for the next one, so a consumer that stops consuming (`break`,
    /// at top level too) stops training, and the stage may be used in the loop's body (to
    /// sample, say). `await events.end()` stops a run still going after its current step and
    /// returns its history; cancelling the consuming task or dropping the iterator stops it too.
    /// Do not use the stage after leaving the loop early until `end()` has returned.
    public func trainingEvents(_ training: TrainingConfiguration) -> TrainingEvents {
        trainingEvents(training, interrupt: nil)
    }

    /// `trainingEvents(_:)`, stopped also when `interrupt` reports Ctrl-C.
    package func trainingEvents(_ training: TrainingConfiguration, interrupt: InterruptMonitor?) -> TrainingEvents {
        TrainingEvents(training: LentStage(stage: self, training: training, interrupt: interrupt))
    }

    /// The learning-rate range test on this model: `finder`'s sweep, one step of `training`
    /// (its optimizer and batches; budget and rate ignored) per rate. Trains the model.
    public func findLearningRate(_ finder: LearningRateFinder, training: TrainingConfiguration) throws -> LearningRateSweep {
        try training.validate()
        return finder.run(try engine.makeStep(training, using: &generator), using: &generator)
    }

    /// The mean NLL of `split` under the inference model (nil for an empty split).
    public func evaluate(_ split: SplitName) -> NLLResult? {
        Evaluator.evaluate(engine.inference, words: dataset[split])
    }

    /// Sampling settings for this stage: `prefix` must use the vocabulary's characters.
    public func samplingOptions(temperature: Double = 1, topK: Int? = nil, prefix: String = "") throws -> SamplingOptions {
        let options = SamplingOptions(temperature: temperature, topK: topK, prefix: try dataset.vocabulary.encode(prefix, context: "prefix"),
                                      maximumLength: SamplingOptions.lengthLimit(longestWord: dataset.longestWord))
        try options.validate()
        return options
    }

    /// `count` new words from the inference model (by default at temperature 1, no prefix);
    /// throws if the model's probabilities are not numbers.
    public func sample(count: Int, options: SamplingOptions? = nil) throws -> [String] {
        let options = options ?? SamplingOptions(maximumLength: SamplingOptions.lengthLimit(longestWord: dataset.longestWord))
        return try Sampler.generate(engine.inference, count: count, options: options, using: &generator).map { try dataset.vocabulary.decode($0) }
    }

    /// `count` words from the model as it is now, drawn with `generator` instead of the stage's
    /// own stream, so the run's numbers stay as they are: what `--sample-every` shows while
    /// training, from inside a training event. Samples the model being trained (a window
    /// network's BatchNorm unfolded, in evaluation mode), not the inference model.
    package func sampleWhileTraining(count: Int, options: SamplingOptions? = nil, using generator: inout RandomGenerator) throws -> [String] {
        let options = options ?? SamplingOptions(maximumLength: SamplingOptions.lengthLimit(longestWord: dataset.longestWord))
        return try Sampler.generate(engine.trainedModel, count: count, options: options, using: &generator).map { try dataset.vocabulary.decode($0) }
    }

    /// Writes the model, its vocabulary, `source`, `step` and any `trainingState` as a
    /// checkpoint, atomically. Without a `source` the checkpoint stores the words themselves, so
    /// that `Stage(loading:)` gives the same stage back.
    public func save(to path: String) throws {
        let record = source ?? SplitRecord(input: nil, directory: nil, seed: seed, valFraction: 0, testFraction: 0)
        var checkpoint = try Checkpoint(model: engine.trainedModel, vocabulary: dataset.vocabulary, split: record, step: step,
                                        valLoss: engine.checkpointValidationLoss(after: history))
        checkpoint.trainingState = trainingState
        if source == nil { checkpoint.words = dataset.split }
        try checkpoint.write(to: path)
    }

    /// Writes, while `state`'s run trains, the checkpoint a finished run's `save` would write if
    /// it ended now: the weights of the best evaluation so far (the latest weights before the
    /// first evaluation), its step (plus `stepsBefore`, the steps of a loaded model being
    /// fine-tuned) and val loss, and `state` to resume the run exactly. Atomic: a run killed
    /// while writing leaves the previous checkpoint.
    private func saveWhileTraining(_ state: TrainingState, stepsBefore: Int, to path: String) throws {
        let model = engine.trainedModel
        guard let module = model as? any Module else { return }
        let latest = ParameterSnapshot(module)
        defer { latest.restore(into: module) }
        if let weights = state.best?.weights, let best = ParameterSnapshot(values: weights, of: module) { best.restore(into: module) }
        let record = source ?? SplitRecord(input: nil, directory: nil, seed: seed, valFraction: 0, testFraction: 0)
        var checkpoint = try Checkpoint(model: model, vocabulary: dataset.vocabulary, split: record, step: stepsBefore + (state.best?.step ?? state.step),
                                        valLoss: state.best?.loss)
        checkpoint.trainingState = state
        try checkpoint.write(to: path)
    }

    /// The stage's report: the losses of every split, `samples` sampled words (drawn with
    /// `options`), the last run's training figures and the stage's own fields and notes.
    public func report(samples: Int, options: SamplingOptions? = nil) throws -> StageReport {
        let losses = Dictionary(uniqueKeysWithValues: try SplitName.allCases.map { ($0, try evaluate($0)?.checked(split: $0.rawValue)) })
        var report = StageReport(model: kind.rawValue, parameters: parameterCount, dataset: dataset, losses: losses,
                                 samples: try sample(count: samples, options: options))
        if engine.trains {
            let history = history ?? TrainingHistory()
            report.record(history)
            if history.steps > 0, let training, training.batchSize != nil { report.sampling = training.sampling }
        }
        (report.extra, report.notes) = try engine.details(losses: losses)
        return report
    }
}
