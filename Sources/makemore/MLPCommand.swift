import Foundation
import MakemoreKit

/// `makemore mlp`: stage 3, the Bengio MLP with Kaiming init and BatchNorm.
enum MLPCommand: Subcommand {
    static let name = "mlp"
    static let summary = "stage 3: MLP over the previous --context characters (embedding, tanh blocks with BatchNorm)"
    static let options = StageOptions.common
        + TrainingOptions.options(TrainingDefaults(steps: 200_000, learningRate: 0.1, optimizer: .sgd, schedule: "step", batchSize: "32"))
        + modelOptions
        + diagnosticsOptions

    /// The architecture options, shared with `lr-find mlp`.
    static let modelOptions = [
        Option("context", value: "K", default: "3", "previous characters seen per prediction"),
        Option("embedding", value: "D", default: "10", "dimensions of each character's embedding"),
        Option("hidden", value: "H", default: "200", "width of every hidden layer"),
        Option("layers", value: "L", default: "1", "hidden blocks (Linear → BatchNorm → tanh)"),
        Option(flag: "no-batchnorm", "hidden blocks are Linear with bias → tanh"),
        Option("bn-momentum", value: "M", default: "0.1", "how far BatchNorm's running statistics move per batch (the lecture's own: 0.001)"),
        Option("init", value: "NAME", default: "kaiming", MLPConfiguration.Initialization.allCases.map(\.rawValue).joined(separator: " | ")
               + " (kaiming: gain 5/3, output ×0.1, or ×0.01 without BatchNorm)"),
    ]

    /// The model `arguments` describe over `vocabularySize` tokens.
    static func configuration(_ arguments: ParsedArguments, vocabularySize: Int) throws -> MLPConfiguration {
        var c = MLPConfiguration(vocabularySize: vocabularySize)
        c.contextLength = try arguments.int("context", in: 1...64)!
        c.embeddingDimensions = try arguments.int("embedding", in: 1...4096)!
        c.hiddenSize = try arguments.int("hidden", in: 1...16384)!
        c.hiddenLayers = try arguments.int("layers", in: 1...64)!
        c.batchNorm = !arguments.flag("no-batchnorm")
        c.batchNormMomentum = Float(try arguments.double("bn-momentum", in: 0...1)!)
        c.initialization = .init(rawValue: try arguments.choice("init", MLPConfiguration.Initialization.allCases.map(\.rawValue))!)!
        return c
    }

    static func run(_ arguments: ParsedArguments) throws {
        try runWindowNetworkStage(name, arguments, model: MLP.self, configuration: { try configuration(arguments, vocabularySize: $0) },
                                  calibrate: false)
    }
}
