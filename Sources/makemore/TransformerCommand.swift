import MakemoreKit

/// `makemore transformer`: stage 4, the GPT-style transformer of makemore.py.
enum TransformerCommand: Subcommand {
    static let name = StageKind.transformer.rawValue
    static let summary = StageKind.transformer.definition.summary
    static let settings = TransformerConfiguration.settings

    static let defaultConfiguration = StageKind.transformer.defaultConfiguration.settings(as: TransformerConfiguration.self) ?? TransformerConfiguration()

    static let options = SequenceCommand.options(.transformer, sizes: [presetOption(.transformer)] + settings.options(defaultConfiguration))

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
        var request = try SequenceCommand.request(.transformer, arguments, defaults: preset?.training, model: settings.map(\.name)) { blockSize in
            var c = try settings.read(arguments, over: preset?.configuration.settings(as: TransformerConfiguration.self) ?? defaultConfiguration)
            c.blockSize = blockSize
            guard c.embedding % c.heads == 0 else { throw UsageError("--embedding \(c.embedding) must be divisible by --heads \(c.heads)") }
            return .transformer(c)
        }
        if arguments.given("heads") { request.importHeads = try arguments.int("heads") }
        request.extra = [("preset", .string(preset?.name ?? "none"))]
        return request
    }

    static func run(_ request: StageRequest) throws { try SequenceCommand.run(request) }
}
