import MakemoreKit

/// `makemore wavenet`: stage 4, lecture 5's hierarchical MLP (pairs of neighbours fused level by
/// level, BatchNorm over batch and time).
enum WaveNetCommand: Subcommand {
    static let name = StageKind.wavenet.rawValue
    static let summary = StageKind.wavenet.definition.summary
    static let settings = WaveNetConfiguration.settings

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
