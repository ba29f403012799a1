import MakemoreKit

/// What every whole-word stage command (`transformer`, `rnn`, `gru`, `bow`, `makemore-mlp`) shares: the
/// options after the stage's own `sizes`, and reading them into a request.
enum SequenceCommand {
    /// The stage-independent options around the stage's own `sizes`, defaults from `kind`.
    static func options(_ kind: StageKind, sizes: [Option]) -> [Option] {
        let d = kind.defaultTraining
        return StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(d) + sizes + [
            Option("block-size", value: "N", limit: SequenceModelConfiguration.Limits.blockSize, "positions per sequence, the longest word sampled + 1 (default: longest word + 1)"),
            Option("threads", value: "N", limit: TrainingConfiguration.Limits.threads, default: String(d.threads), "model copies a training step's batch is split across (cores: one per core)"),
            Option("temperature", value: "T", limit: SamplingOptions.Limits.temperature, default: "1", "sampling temperature"),
            Option("top-k", value: "K", limit: SamplingOptions.Limits.topK, "sample only among the K most likely tokens"),
            Option("prefix", value: "TEXT", "start every sample with TEXT"),
        ]
    }

    /// The request of a whole-word stage; `configure(blockSize)` reads the stage's own options
    /// into its configuration (block size 0: the longest word + 1).
    static func request(_ kind: StageKind, _ arguments: ParsedArguments, configure: (Int) throws -> StageConfiguration) throws -> StageRequest {
        var training = try TrainingOptions(arguments, defaults: kind.defaultTraining)
        guard training.configuration.batchSize != nil else { throw UsageError("--batch-size must be a number of words") }
        training.configuration.threads = try arguments.int("threads") ?? training.configuration.threads
        let blockSize = try arguments.int("block-size")
        var request = StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments),
                                   configuration: try configure(blockSize ?? 0), training: training, blockSize: blockSize)
        request.temperature = try arguments.double("temperature") ?? request.temperature
        request.topK = try arguments.int("top-k")
        request.prefix = arguments.string("prefix") ?? ""
        return request
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}

/// The options and configuration of makemore.py's small whole-word models (`ModelConfig`'s
/// n_embd, n_embd2), shared by `rnn`, `gru`, `bow` and `makemore-mlp`.
enum SmallSequenceCommand {
    static func options(_ kind: StageKind, hidden: String) -> [Option] {
        let d = SequenceModelConfiguration()
        return SequenceCommand.options(kind, sizes: [
            Option("embedding", value: "N", limit: SequenceModelConfiguration.Limits.embedding, default: String(d.embedding), "channels of the embeddings (n_embd)"),
            Option("hidden", value: "N", limit: SequenceModelConfiguration.Limits.hidden, default: String(d.hidden), hidden + " (n_embd2)"),
        ])
    }

    static func request(_ kind: StageKind, _ arguments: ParsedArguments, _ wrap: (SequenceModelConfiguration) -> StageConfiguration) throws -> StageRequest {
        try SequenceCommand.request(kind, arguments) { blockSize in
            let d = SequenceModelConfiguration()
            return wrap(SequenceModelConfiguration(embedding: try arguments.int("embedding") ?? d.embedding,
                                                   hidden: try arguments.int("hidden") ?? d.hidden, blockSize: blockSize))
        }
    }
}

/// `makemore rnn`: makemore.py's Elman RNN.
enum RNNCommand: Subcommand {
    static let name = "rnn"
    static let summary = "Elman RNN, h = tanh(W·[x, h] + b) from a learned start state"
    static let options = SmallSequenceCommand.options(.rnn, hidden: "channels of the hidden state")
    static func parse(_ arguments: ParsedArguments) throws -> StageRequest { try SmallSequenceCommand.request(.rnn, arguments, StageConfiguration.rnn) }
    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}

/// `makemore gru`: makemore.py's GRU.
enum GRUCommand: Subcommand {
    static let name = "gru"
    static let summary = "GRU (reset and update gates) from a learned start state"
    static let options = SmallSequenceCommand.options(.gru, hidden: "channels of the hidden state")
    static func parse(_ arguments: ParsedArguments) throws -> StageRequest { try SmallSequenceCommand.request(.gru, arguments, StageConfiguration.gru) }
    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}

/// `makemore bow`: makemore.py's causal bag of words.
enum BoWCommand: Subcommand {
    static let name = "bow"
    static let summary = "causal bag of words (running average of the prefix, tanh MLP)"
    static let options = SmallSequenceCommand.options(.bow, hidden: "channels of the block's MLP")
    static func parse(_ arguments: ParsedArguments) throws -> StageRequest { try SmallSequenceCommand.request(.bow, arguments, StageConfiguration.bow) }
    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}

/// `makemore makemore-mlp` (also `makemore mlp --preset makemore`): makemore.py's MLP, trained
/// as makemore.py trains it.
enum MakemoreMLPCommand: Subcommand {
    static let name = "makemore-mlp"
    static let summary = "makemore.py's MLP: the block of tokens before each position (<BLANK>-padded), tanh layer"
    static let options = SmallSequenceCommand.options(.makemoreMLP, hidden: "width of the hidden layer")
    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        try SmallSequenceCommand.request(.makemoreMLP, arguments, StageConfiguration.makemoreMLP)
    }
    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}
