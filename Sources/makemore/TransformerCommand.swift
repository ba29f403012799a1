import MakemoreKit

/// `makemore transformer`: stage 4, the GPT-style transformer of makemore.py.
enum TransformerCommand: Subcommand {
    static let name = StageKind.transformer.rawValue
    static let summary = StageKind.transformer.definition.summary
    static let options: [Option] = {
        let d = StageKind.transformer.defaultConfiguration.settings(as: TransformerConfiguration.self) ?? TransformerConfiguration()
        return SequenceCommand.options(.transformer, sizes: [
            presetOption(.transformer),
            Option("layers", value: "N", limit: TransformerConfiguration.Limits.layers, default: String(d.layers), "transformer blocks"),
            Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, default: String(d.heads), "attention heads per block"),
            Option("embedding", value: "N", limit: TransformerConfiguration.Limits.embedding, default: String(d.embedding), "channels of the residual stream (divisible by --heads)"),
            Option("dropout", value: "P", limit: TransformerConfiguration.Limits.dropout, default: String(d.dropout), "dropout while training, as nanoGPT's: on the embeddings, the attention probabilities and the residual branches"),
            Option("positions", value: "KIND", default: d.positions.rawValue, "position encoding: learned (makemore.py's wpe table) | sinusoidal (fixed sin/cos, no parameters)"),
            Option("activation", value: "NAME", default: d.activation.rawValue, "non-linearity of each block's MLP: gelu (makemore.py's, tanh approximation) | relu"),
        ])
    }()

    /// The options a preset fixes (the registry's `makemore` preset's values, as its error message names them).
    static let presetFixes: [(option: String, value: String)] = [
        ("layers", "4"), ("heads", "4"), ("embedding", "64"), ("dropout", "0"), ("positions", "learned"), ("activation", "gelu"), ("optimizer", "adamw"),
        ("lr", "5e-4"), ("schedule", "constant"), ("warmup", "0"), ("weight-decay", "0.01"), ("weight-decay-on", "all"), ("ema", "off"), ("batch-size", "32"), ("sampling", "replacement"),
    ]

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        let preset = try chosenPreset(.transformer, arguments)
        if let preset {
            for (option, value) in presetFixes where arguments.given(option) {
                throw UsageError("--preset \(preset.name) fixes --\(option) (\(value)); drop one of them")
            }
        }
        var request = try SequenceCommand.request(.transformer, arguments, defaults: preset?.training) { blockSize in
            var c = (preset?.configuration ?? StageKind.transformer.defaultConfiguration).settings(as: TransformerConfiguration.self) ?? TransformerConfiguration()
            c.blockSize = blockSize
            c.layers = try arguments.int("layers") ?? c.layers
            c.heads = try arguments.int("heads") ?? c.heads
            c.embedding = try arguments.int("embedding") ?? c.embedding
            c.dropout = try arguments.double("dropout") ?? c.dropout
            c.positions = try arguments.choice("positions", TransformerConfiguration.Positions.self) ?? c.positions
            c.activation = try arguments.choice("activation", MLPBlock.Activation.self) ?? c.activation
            guard c.embedding % c.heads == 0 else { throw UsageError("--embedding \(c.embedding) must be divisible by --heads \(c.heads)") }
            return .transformer(c)
        }
        if arguments.given("heads") { request.importHeads = try arguments.int("heads") }
        request.extra = [("preset", .string(preset?.name ?? "none"))]
        return request
    }

    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}
