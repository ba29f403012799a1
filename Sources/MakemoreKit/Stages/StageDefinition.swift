import Foundation

/// One kind of stage, declared once: its name (the model's `kind`), the type of its settings and
/// their defaults, its presets, how it trains by default and within `compare`'s budget, how its model is built,
/// restored from a checkpoint, taken over from a bare state dict and counted for the memory check.
/// `Stage`, checkpoints, imports, `Comparison` and the command line all derive from the
/// registered definitions (`StageRegistry`); a program adds its own model with
/// `StageRegistry.register(.sequence(MyModel.self, …))`.
public struct StageDefinition: Sendable {
    /// The stage's name, its model's `kind`.
    public let kind: StageKind
    /// One line for a command's summary: what the model is.
    public let summary: String
    /// Whether the model reads whole words (block size, threads, the sampling options) rather
    /// than windows of a fixed context.
    package let isSequenceModel: Bool
    /// Whether the model reads windows of a fixed context through hidden blocks that may
    /// normalise with BatchNorm (the MLP, WaveNet): it takes training diagnostics.
    package let isWindowNetwork: Bool
    /// The model the stage builds by default.
    public let defaultConfiguration: StageConfiguration
    /// What `compare` changes in `defaultTraining` to keep its run short (nil: the stage runs
    /// as it is by default there too).
    package let compareBudget: (@Sendable (inout TrainingConfiguration) -> Void)?
    /// Whether `compare` runs the stage unless `stages` says otherwise.
    package let inComparison: Bool
    /// Named setups the stage runs instead of its defaults (`--preset`), in the order listed.
    public let presets: [StagePreset]
    /// Whether the stage trains (all but the count bigram, which is fitted when built).
    package let trains: Bool
    /// Whether a report of the stage names the preset it ran (`none` for the stage's own
    /// defaults), so that its results say which setup they are: the transformer, whose
    /// `makemore` preset is makemore.py's.
    package let reportsPreset: Bool
    private let training: @Sendable () -> TrainingConfiguration
    let decodeSettings: @Sendable (any Decoder) throws -> any StageSettings
    /// Throws when a configuration of the stage, or the training given with it, breaks a rule
    /// that needs no data (see `validate(_:training:)`).
    let checkSettings: @Sendable (StageConfiguration, TrainingConfiguration?) throws -> Void
    /// A fresh engine of `configuration` on `dataset`, validated and memory-checked before it is built.
    let build: @Sendable (StageConfiguration, Dataset, inout RandomGenerator) throws -> any StageEngine
    /// The engine of the model `checkpoint` (read from `path`) holds, on `dataset`; the settings
    /// give what a checkpoint does not store.
    let restore: @Sendable (Checkpoint, String, Dataset, StageConfiguration?) throws -> any StageEngine
    /// The model `checkpoint` holds, without a dataset.
    let restoreModel: @Sendable (Checkpoint, String) throws -> any CheckpointableModel
    /// The engine of an already built model of this stage (an imported state dict), nil for
    /// another model type.
    let adopt: @Sendable (any CheckpointableModel, Dataset) -> (any StageEngine)?
    /// How a bare state dict (no configuration) is recognised as this stage's model and rebuilt
    /// (`ImportedModel`); nil: the stage's models are not imported.
    let stateDict: AnyStateDictFormat?

    /// How the stage trains by default (`threads` from this machine's cores).
    public var defaultTraining: TrainingConfiguration { training() }

    /// The preset named `name`, or nil.
    public func preset(named name: String) -> StagePreset? { presets.first { $0.name == name } }

    /// The training `compare` gives the stage: its defaults within the comparison's budget, or
    /// all of them with `full`.
    package func comparisonTraining(full: Bool) -> TrainingConfiguration {
        var training = defaultTraining
        if !full { compareBudget?(&training) }
        return training
    }

    init(kind: String, summary: String, isSequenceModel: Bool, isWindowNetwork: Bool = false, defaultConfiguration: some StageSettings,
         training: @escaping @Sendable () -> TrainingConfiguration, compareBudget: (@Sendable (inout TrainingConfiguration) -> Void)?,
         inComparison: Bool, presets: [StagePreset] = [], trains: Bool = true, reportsPreset: Bool = false, decodeSettings: @escaping @Sendable (any Decoder) throws -> any StageSettings,
         checkSettings: @escaping @Sendable (StageConfiguration, TrainingConfiguration?) throws -> Void,
         build: @escaping @Sendable (StageConfiguration, Dataset, inout RandomGenerator) throws -> any StageEngine,
         restore: @escaping @Sendable (Checkpoint, String, Dataset, StageConfiguration?) throws -> any StageEngine,
         restoreModel: @escaping @Sendable (Checkpoint, String) throws -> any CheckpointableModel,
         adopt: @escaping @Sendable (any CheckpointableModel, Dataset) -> (any StageEngine)?, stateDict: AnyStateDictFormat? = nil) {
        self.kind = StageKind(name: kind)
        self.summary = summary
        self.isSequenceModel = isSequenceModel
        self.isWindowNetwork = isWindowNetwork
        self.defaultConfiguration = StageConfiguration(self.kind, defaultConfiguration)
        self.training = training
        self.compareBudget = compareBudget
        self.inComparison = inComparison
        self.presets = presets
        self.trains = trains
        self.reportsPreset = reportsPreset
        self.decodeSettings = decodeSettings
        self.checkSettings = checkSettings
        self.build = build
        self.restore = restore
        self.restoreModel = restoreModel
        self.adopt = adopt
        self.stateDict = stateDict
    }
}

extension StageDefinition {
    /// A stage of whole words for `model`: packed batches of words split across
    /// `TrainingConfiguration.threads` model copies, the best state by validation loss, sampling
    /// with the model's own decoder. Its kind is `M.kind`; `defaults` has block size 0 (the
    /// longest word + 1) unless the model needs one of its own. With a `stateDict` format, a bare
    /// state dict of the model (a PyTorch export) is recognised and imported as this stage's.
    public static func sequence<M: PackedSequenceModel & TrainableModel>(
        _ model: M.Type, summary: String, defaults: M.Configuration, training: @escaping @Sendable () -> TrainingConfiguration,
        compareBudget: (@Sendable (inout TrainingConfiguration) -> Void)? = nil, inComparison: Bool = true, presets: [StagePreset] = [],
        reportsPreset: Bool = false, stateDict: StateDictFormat<M>? = nil
    ) -> StageDefinition where M.Configuration: BlockSizedConfiguration {
        let kind = StageKind(name: M.kind)
        return StageDefinition(
            kind: M.kind, summary: summary, isSequenceModel: true, defaultConfiguration: defaults, training: training,
            compareBudget: compareBudget, inComparison: inComparison, presets: presets, reportsPreset: reportsPreset, decodeSettings: { try M.Configuration(from: $0) },
            checkSettings: { configuration, training in
                var c = try settings(configuration, M.Configuration.self)
                c.vocabularySize = 2
                if c.blockSize == 0 { c.blockSize = 2 }
                try c.validate()
                if let training { try SequenceEngine<M>.batchSize(training) }
            },
            build: { configuration, dataset, generator in
                var c = try settings(configuration, M.Configuration.self)
                c.blockSize = try blockSize(c.blockSize, dataset)
                try checkBuildable(M.self, c, vocabularySize: dataset.vocabulary.size)
                return SequenceEngine(model: try M(configuration: c, vocabularySize: dataset.vocabulary.size, using: &generator), dataset: dataset,
                                      configuration: { StageConfiguration(kind, $0) })
            },
            restore: { checkpoint, path, dataset, _ in
                let model = try checkpoint.restore(M.self, source: path)
                try checkFit(model, dataset, path: path)
                return SequenceEngine(model: model, dataset: dataset, configuration: { StageConfiguration(kind, $0) })
            },
            restoreModel: { try $0.restore(M.self, source: $1) },
            adopt: { model, dataset in (model as? M).map { SequenceEngine(model: $0, dataset: dataset, configuration: { StageConfiguration(kind, $0) }) } },
            stateDict: stateDict?.erased)
    }

    /// A stage of fixed windows for `model` (the MLP, WaveNet): minibatches of windows,
    /// optional training diagnostics, BatchNorm folded for evaluation and sampling.
    package static func window<M: WindowNetwork & TrainableModel>(
        _ model: M.Type, summary: String, defaults: M.Configuration, training: @escaping @Sendable () -> TrainingConfiguration,
        compareBudget: (@Sendable (inout TrainingConfiguration) -> Void)? = nil, inComparison: Bool = true, presets: [StagePreset] = []
    ) -> StageDefinition where M.Configuration: StageSettings {
        let kind = StageKind(name: M.kind)
        return StageDefinition(
            kind: M.kind, summary: summary, isSequenceModel: false, isWindowNetwork: true, defaultConfiguration: defaults, training: training,
            compareBudget: compareBudget, inComparison: inComparison, presets: presets, decodeSettings: { try M.Configuration(from: $0) },
            checkSettings: { configuration, training in
                var c = try settings(configuration, M.Configuration.self)
                c.vocabularySize = 2
                try c.validate()
                if let training { try WindowNetworkEngine<M>.checkBatches(training, batchNorm: c.batchNorm) }
            },
            build: { configuration, dataset, generator in
                let c = try settings(configuration, M.Configuration.self)
                try checkBuildable(M.self, c, vocabularySize: dataset.vocabulary.size)
                return WindowNetworkEngine(model: try M(configuration: c, vocabularySize: dataset.vocabulary.size, using: &generator), dataset: dataset,
                                           configuration: { StageConfiguration(kind, $0) })
            },
            restore: { checkpoint, path, dataset, _ in
                WindowNetworkEngine(model: try checkpoint.restore(M.self, source: path), dataset: dataset, configuration: { StageConfiguration(kind, $0) })
            },
            restoreModel: { try $0.restore(M.self, source: $1) },
            adopt: { model, dataset in (model as? M).map { WindowNetworkEngine(model: $0, dataset: dataset, configuration: { StageConfiguration(kind, $0) }) } })
    }

    /// The settings of `configuration` as a `C`; a configuration of another type is an error.
    static func settings<C: StageSettings>(_ configuration: StageConfiguration, _ type: C.Type) throws -> C {
        guard let settings = configuration.settings(as: C.self) else {
            throw MakemoreError.mismatch("stage '\(configuration.kind)' takes a \(C.self), not a \(Swift.type(of: configuration.settings))")
        }
        return settings
    }

    /// The block size of a whole-word model: `requested`, or the longest word + 1 for 0.
    static func blockSize(_ requested: Int, _ dataset: Dataset) throws -> Int {
        guard requested != 0 else { return dataset.longestWord + 1 }
        guard requested > dataset.longestWord else {
            throw MakemoreError.wordsDoNotFit(blockSize: requested, longestWord: dataset.longestWord)
        }
        return requested
    }

    /// Throws unless `configuration` over `vocabularySize` tokens is valid and the model fits in
    /// memory, before it is built: the memory of `M`, the model the stage builds.
    static func checkBuildable<M: CheckpointableModel>(_ type: M.Type, _ configuration: M.Configuration, vocabularySize: Int) throws
    where M.Configuration: ModelConfiguration {
        var configuration = configuration
        configuration.vocabularySize = vocabularySize
        try configuration.validate()
        try MemoryEstimate(M.self, configuration: configuration, vocabularySize: vocabularySize, rowsPerStep: 0).check()
    }

    /// Throws unless every word of `dataset` fits `model`'s block.
    static func checkFit(_ model: some LanguageModel, _ dataset: Dataset, path: String) throws {
        guard let limit = model.maximumWordLength, limit < dataset.longestWord else { return }
        throw MakemoreError.file(path: path, reason: "block size \(limit + 1) is too small for the data: the longest word has \(dataset.longestWord) characters")
    }
}
