import MakemoreKit

/// `makemore wavenet`: stage 4, lecture 5's hierarchical MLP (pairs of neighbours fused level by
/// level, BatchNorm over batch and time).
enum WaveNetCommand: Subcommand {
    static let name = StageKind.wavenet.rawValue
    static let summary = StageKind.wavenet.definition.summary
    static let options: [Option] = {
        let d = WaveNetConfiguration()
        return StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(StageKind.wavenet.defaultTraining) + [
            Option("context", value: "K", limit: WaveNetConfiguration.Limits.contextLength, default: String(d.contextLength), "previous characters seen per prediction: a power of two (log2 K levels)"),
            Option("embedding", value: "D", limit: WaveNetConfiguration.Limits.embeddingDimensions, default: String(d.embeddingDimensions), "dimensions of each character's embedding"),
            Option("hidden", value: "H", limit: WaveNetConfiguration.Limits.hiddenSize, default: String(d.hiddenSize), "width of every level"),
            Option(flag: "no-batchnorm", "levels are Linear with bias → tanh"),
            Option("bn-momentum", value: "M", limit: WaveNetConfiguration.Limits.batchNormMomentum, default: String(d.batchNormMomentum), "how far BatchNorm's running statistics move per batch"),
            Option(flag: "no-calibrate", "keep BatchNorm's running averages after training instead of recomputing them over the whole training set"),
        ] + DiagnosticsOptions.options
    }()

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        var c = WaveNetConfiguration()
        c.contextLength = try arguments.int("context") ?? c.contextLength
        guard WaveNetConfiguration.isValidContextLength(c.contextLength) else {
            throw UsageError("--context must be a power of two (2, 4, 8, 16, …), got \(c.contextLength)")
        }
        c.embeddingDimensions = try arguments.int("embedding") ?? c.embeddingDimensions
        c.hiddenSize = try arguments.int("hidden") ?? c.hiddenSize
        c.batchNorm = !arguments.flag("no-batchnorm")
        c.batchNormMomentum = try arguments.float("bn-momentum") ?? c.batchNormMomentum
        return try windowNetworkRequest(arguments, configuration: .wavenet(c), batchNorm: c.batchNorm,
                                        calibrates: arguments.flag("no-calibrate") ? false : nil)
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}
