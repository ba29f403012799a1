import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore lr-find mlp`: the learning-rate range test on a fresh model of the stage.
enum LRFindCommand: Subcommand {
    static let name = "lr-find"
    static let summary = "sweep the learning rate exponentially over a short run and suggest one (stage: mlp)"
    static let leadingWords = ["mlp"]
    static let options = DataOptions.options + [Option(StageRun.jsonSetting, defaults: DataOptions().run(.mlp(defaultModel)))]
        + [
            Option("lr-min", value: "RATE", limit: LearningRateFinder.Limits.minimum, default: "0.001", "first learning rate of the sweep"),
            Option("lr-max", value: "RATE", limit: LearningRateFinder.Limits.maximum, default: "1", "last learning rate of the sweep"),
            Option("sweep-steps", value: "N", limit: LearningRateFinder.Limits.steps, default: "1000", "steps of the sweep, one minibatch per rate"),
            Option("plot", value: "FILE.svg", "write loss against learning rate (log scale) as SVG"),
            Option("optimizer", value: "NAME", default: "sgd", OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")),
            Option("batch-size", value: "N", limit: TrainingConfiguration.Limits.batchSize, default: "32", "examples per step"),
        ]
        + MLPConfiguration.settings.options(defaultModel)

    /// The stage's default model (the lecture's with wider embeddings).
    static let defaultModel = StageKind.mlp.defaultConfiguration.settings(as: MLPConfiguration.self) ?? MLPConfiguration()

    struct Options {
        var data: DataOptions
        var json: Bool
        var finder: LearningRateFinder
        var training: TrainingConfiguration
        var configuration: MLPConfiguration
        var plot: String?
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let low = try arguments.double("lr-min") ?? 1e-3, high = try arguments.double("lr-max") ?? 1
        let finder = try LearningRateFinder(minimum: low, maximum: high, steps: try arguments.int("sweep-steps") ?? 1000)
        let training = finder.training(optimizer: try arguments.choice("optimizer", OptimizerKind.self) ?? .sgd,
                                       batchSize: try arguments.int("batch-size") ?? 32)
        let configuration = try MLPConfiguration.settings.read(arguments, over: defaultModel)
        // The stage's own rules: BatchNorm's batches of two or more.
        try StageKind.mlp.definition.validate(.mlp(configuration), training: training)
        return Options(data: try DataOptions(arguments), json: arguments.flag("json"), finder: finder, training: training,
                       configuration: configuration, plot: arguments.string("plot"))
    }

    static func run(_ options: Options) throws {
        try OutputPath.validate([("plot", options.plot)], inputs: options.data.files)
        let stage = try Stage(.mlp(options.configuration), dataset: Dataset(split: options.data.split()), seed: options.data.source.seed)
        let finder = options.finder
        let sweep = try stage.findLearningRate(finder, training: options.training)
        if let path = options.plot {
            try AtomicFile.write(sweep.chart(title: "lr-find mlp: loss against learning rate").svg(), to: path)
        }
        print(options.json ? sweep.json(stage: .mlp, finder: finder).serialized : sweep.text(finder: finder, training: options.training))
    }
}
