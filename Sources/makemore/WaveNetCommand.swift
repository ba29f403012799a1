import MakemoreKit

/// `makemore wavenet`: stage 4, lecture 5's hierarchical MLP (pairs of neighbours fused level by
/// level, BatchNorm over batch and time).
enum WaveNetCommand: Subcommand {
    static let name = StageKind.wavenet.rawValue
    static let summary = StageKind.wavenet.definition.summary
    static let settings: [Setting<WaveNetConfiguration>] = {
        typealias L = WaveNetConfiguration.Limits
        return [
            Setting("context", \.contextLength, value: "K", limit: L.contextLength, "previous characters seen per prediction: a power of two (log2 K levels)"),
            Setting("embedding", \.embeddingDimensions, value: "D", limit: L.embeddingDimensions, "dimensions of each character's embedding"),
            Setting("hidden", \.hiddenSize, value: "H", limit: L.hiddenSize, "width of every level"),
            Setting(flag: "no-batchnorm", \.batchNorm, sets: false, "levels are Linear with bias → tanh"),
            Setting("bn-momentum", \.batchNormMomentum, value: "M", limit: L.batchNormMomentum, "how far BatchNorm's running statistics move per batch"),
        ]
    }()

    static let options = StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(StageKind.wavenet.defaultTraining)
        + settings.options(WaveNetConfiguration())
        + [Option(flag: "no-calibrate", "keep BatchNorm's running averages after training instead of recomputing them over the whole training set")]
        + DiagnosticsOptions.options

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        let c = try settings.read(arguments, over: WaveNetConfiguration())
        guard WaveNetConfiguration.isValidContextLength(c.contextLength) else {
            throw UsageError("--context must be a power of two (2, 4, 8, 16, …), got \(c.contextLength)")
        }
        return try windowNetworkRequest(arguments, configuration: .wavenet(c), model: settings.map(\.name), batchNorm: c.batchNorm,
                                        calibrates: arguments.flag("no-calibrate") ? false : nil)
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}
