import MakemoreKit

/// What every whole-word stage command (`transformer`, `rnn`, `gru`, `bow`, `makemore-mlp`) shares: the
/// options after the stage's own `sizes`, and reading them into a request.
enum SequenceCommand {
    /// The stage-independent options around the stage's own `sizes`, defaults from `kind`.
    static func options(_ kind: StageKind, sizes: [Option]) -> [Option] {
        let d = kind.defaultTraining
        return StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(d, wholeWords: true) + sizes + [
            Option("block-size", value: "N", limit: SequenceModelConfiguration.Limits.blockSize, "positions per sequence, the longest word sampled + 1 (default: longest word + 1)"),
            Option("threads", value: "N", limit: TrainingConfiguration.Limits.threads, default: String(d.threads), "model copies a training step's batch is split across (cores: one per core)"),
            Option("temperature", value: "T", limit: SamplingOptions.Limits.temperature, default: "1", "sampling temperature"),
            Option("top-k", value: "K", limit: SamplingOptions.Limits.topK, "sample only among the K most likely tokens"),
            Option("prefix", value: "TEXT", "start every sample with TEXT"),
        ]
    }

    /// The request of a whole-word stage; `configure(blockSize)` reads the stage's own options,
    /// named by `model`, into its configuration (block size 0: the longest word + 1); the
    /// training options are read over `defaults` (the stage's default training unless a preset
    /// gives another).
    static func request(_ kind: StageKind, _ arguments: ParsedArguments, defaults: TrainingConfiguration? = nil, model: [String],
                        configure: (Int) throws -> StageConfiguration) throws -> StageRequest {
        var training = try TrainingOptions(arguments, defaults: defaults ?? kind.defaultTraining, model: model + ["block-size", "threads"])
        guard training.configuration.batchSize != nil else { throw UsageError("--batch-size must be a number of words") }
        training.configuration.threads = try arguments.int("threads") ?? training.configuration.threads
        let blockSize = try arguments.int("block-size")
        var request = StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments),
                                   configuration: try configure(blockSize ?? 0), training: training)
        request.temperature = try arguments.double("temperature") ?? request.temperature
        request.topK = try arguments.int("top-k")
        request.prefix = arguments.string("prefix") ?? ""
        return request
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}

/// The command of every whole-word stage whose model takes makemore.py's `ModelConfig` sizes
/// (n_embd, n_embd2): `rnn`, `gru`, `lstm`, `bow`, `makemore-mlp`, and any such stage registered
/// later. Its name, summary and defaults come from the stage's definition.
enum SmallSequenceCommand {
    static let settings = SequenceModelConfiguration.settings

    /// The stage's default model.
    static func defaultConfiguration(_ kind: StageKind) -> SequenceModelConfiguration {
        kind.defaultConfiguration.settings(as: SequenceModelConfiguration.self) ?? SequenceModelConfiguration()
    }

    static func options(_ kind: StageKind) -> [Option] { SequenceCommand.options(kind, sizes: settings.options(defaultConfiguration(kind))) }

    static func request(_ kind: StageKind, _ arguments: ParsedArguments) throws -> StageRequest {
        try SequenceCommand.request(kind, arguments, model: settings.map(\.name)) { blockSize in
            var c = try settings.read(arguments, over: defaultConfiguration(kind))
            c.blockSize = blockSize
            return StageConfiguration(kind, c)
        }
    }

    /// `makemore <kind>`.
    static func entry(_ definition: StageDefinition) -> CommandEntry {
        let kind = definition.kind
        return CommandEntry(name: kind.rawValue, summary: definition.summary, options: options(kind)) { arguments in
            let request = try request(kind, arguments)
            return (request, { try SequenceCommand.run(request) })
        }
    }
}
