import MakemoreKit

/// `makemore wavenet`: stage 4, lecture 5's hierarchical MLP (pairs of neighbours fused level by
/// level, BatchNorm over batch and time).
enum WaveNetCommand: Subcommand {
    static let name = "wavenet"
    static let summary = "hierarchical MLP (WaveNet-style tree over --context characters, BatchNorm over batch and time)"
    static let options: [Option] = {
        let d = WaveNetConfiguration()
        return StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(StageKind.wavenet.defaultTraining) + [
            Option("context", value: "K", default: String(d.contextLength), "previous characters seen per prediction: a power of two (log2 K levels)"),
            Option("embedding", value: "D", default: String(d.embeddingDimensions), "dimensions of each character's embedding"),
            Option("hidden", value: "H", default: String(d.hiddenSize), "width of every level"),
            Option(flag: "no-batchnorm", "levels are Linear with bias → tanh"),
            Option("bn-momentum", value: "M", default: String(d.batchNormMomentum), "how far BatchNorm's running statistics move per batch"),
            Option(flag: "no-calibrate", "keep BatchNorm's running averages after training instead of recomputing them over the whole training set"),
        ] + DiagnosticsOptions.options
    }()

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        var c = WaveNetConfiguration()
        c.contextLength = try arguments.int("context", in: 2...1024) ?? c.contextLength
        guard WaveNetConfiguration.isValidContextLength(c.contextLength) else {
            throw UsageError("--context must be a power of two (2, 4, 8, 16, …), got \(c.contextLength)")
        }
        c.embeddingDimensions = try arguments.int("embedding", in: 1...4096) ?? c.embeddingDimensions
        c.hiddenSize = try arguments.int("hidden", in: 1...16384) ?? c.hiddenSize
        c.batchNorm = !arguments.flag("no-batchnorm")
        c.batchNormMomentum = try arguments.double("bn-momentum", in: 0...1).map(Float.init) ?? c.batchNormMomentum
        return try windowNetworkRequest(arguments, configuration: .wavenet(c), batchNorm: c.batchNorm,
                                        calibrates: arguments.flag("no-calibrate") ? false : nil)
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}
