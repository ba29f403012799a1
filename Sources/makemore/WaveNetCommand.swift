import Foundation
import MakemoreKit

/// `makemore wavenet`: stage 4, lecture 5's hierarchical MLP (pairs of neighbours fused level by
/// level, BatchNorm over batch and time).
enum WaveNetCommand: Subcommand {
    static let name = "wavenet"
    static let summary = "hierarchical MLP (WaveNet-style tree over --context characters, BatchNorm over batch and time)"
    static let options = StageOptions.common
        + TrainingOptions.options(TrainingDefaults(steps: 200_000, learningRate: 0.1, optimizer: .sgd, schedule: "step", batchSize: "32",
                                                   decayAt: 150_000, evaluateEvery: 10_000))
        + [
            Option("context", value: "K", default: "8", "previous characters seen per prediction: a power of two (log2 K levels)"),
            Option("embedding", value: "D", default: "24", "dimensions of each character's embedding"),
            Option("hidden", value: "H", default: "128", "width of every level"),
            Option(flag: "no-batchnorm", "levels are Linear with bias → tanh"),
            Option("bn-momentum", value: "M", default: "0.1", "how far BatchNorm's running statistics move per batch"),
            Option(flag: "no-calibrate", "keep BatchNorm's running averages after training instead of recomputing them over the whole training set"),
        ]
        + diagnosticsOptions

    /// The model `arguments` describe over `vocabularySize` tokens.
    static func configuration(_ arguments: ParsedArguments, vocabularySize: Int) throws -> WaveNetConfiguration {
        var c = WaveNetConfiguration(vocabularySize: vocabularySize)
        c.contextLength = try arguments.int("context", in: 2...1024)!
        guard WaveNetConfiguration.isValidContextLength(c.contextLength) else {
            throw UsageError("--context must be a power of two (2, 4, 8, 16, …), got \(c.contextLength)")
        }
        c.embeddingDimensions = try arguments.int("embedding", in: 1...4096)!
        c.hiddenSize = try arguments.int("hidden", in: 1...16384)!
        c.batchNorm = !arguments.flag("no-batchnorm")
        c.batchNormMomentum = Float(try arguments.double("bn-momentum", in: 0...1)!)
        return c
    }

    static func run(_ arguments: ParsedArguments) throws {
        try runWindowNetworkStage(name, arguments, model: WaveNet.self, configuration: { try configuration(arguments, vocabularySize: $0) },
                                  calibrate: !arguments.flag("no-calibrate")) { c in
            ["levels: \(c.levels) (context \(c.contextLength) = 2^\(c.levels))"]
        }
    }
}
