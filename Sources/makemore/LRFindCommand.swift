import Foundation
import MakemoreKit

/// `makemore lr-find mlp`: the learning-rate range test on a fresh model of the stage.
enum LRFindCommand: Subcommand {
    static let name = "lr-find"
    static let summary = "sweep the learning rate exponentially over a short run and suggest one (stage: mlp)"
    static let stages = ["mlp"]
    static let options = StageOptions.common.filter { !["samples", "save", "load"].contains($0.name) }
        + [
            Option("lr-min", value: "RATE", limit: LearningRateFinder.Limits.minimum, default: "0.001", "first learning rate of the sweep"),
            Option("lr-max", value: "RATE", limit: LearningRateFinder.Limits.maximum, default: "1", "last learning rate of the sweep"),
            Option("sweep-steps", value: "N", limit: LearningRateFinder.Limits.steps, default: "1000", "steps of the sweep, one minibatch per rate"),
            Option("plot", value: "FILE.svg", "write loss against learning rate (log scale) as SVG"),
            Option("optimizer", value: "NAME", default: "sgd", OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")),
            Option("batch-size", value: "N", default: "32", "examples per step"),
        ]
        + MLPCommand.modelOptions

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
        let training = TrainingConfiguration(steps: finder.steps, learningRate: low,
                                             optimizer: OptimizerConfiguration(kind: try arguments.choice("optimizer", OptimizerKind.self) ?? .sgd),
                                             batchSize: try arguments.int("batch-size", in: 2...10_000_000) ?? 32)
        return Options(data: try DataOptions(arguments), json: arguments.flag("json"), finder: finder, training: training,
                       configuration: try MLPCommand.configuration(arguments), plot: arguments.string("plot"))
    }

    static func run(_ options: Options) throws {
        try OutputPath.validate([("plot", options.plot)], inputs: options.data.files)
        let stage = try Stage(.mlp(options.configuration), dataset: Dataset(split: options.data.split()), seed: options.data.seed)
        let finder = options.finder
        let sweep = try stage.findLearningRate(finder, training: options.training)
        if let path = options.plot {
            try AtomicFile.write(sweep.chart(title: "lr-find mlp: loss against learning rate").svg(), to: path)
        }
        let (low, high) = (finder.minimum, finder.maximum)
        if options.json {
            print(JSONValue.object([
                ("stage", .string("mlp")), ("lr_min", .number(low)), ("lr_max", .number(high)),
                ("steps", .integer(sweep.rates.count)), ("minimum_lr", .number(sweep.minimumRate)),
                ("steepest_lr", .number(sweep.steepestRate)), ("suggested_lr", .number(sweep.suggestion)),
                ("rule", .string("suggested = minimum_lr / 10, the rate at the smoothed loss's minimum divided by 10")),
                ("lr", .array(sweep.rates.map(JSONValue.number))), ("loss", .array(sweep.losses.map(JSONValue.number))),
            ]).serialized)
            return
        }
        let smoothed = sweep.smoothed
        print(String(format: "swept %d steps, lr %.3g → %.3g (batch %d, %@)%@", sweep.rates.count, low, high, options.training.batchSize ?? 0,
                     options.training.optimizer.kind.rawValue, sweep.rates.count < finder.steps ? " — stopped early: the loss diverged" : ""))
        print("       lr   smoothed loss")
        let shown = Set((0..<20).map { $0 * max(1, sweep.rates.count / 20) } + [sweep.rates.count - 1])
        for i in shown.sorted() where i < sweep.rates.count {
            print(String(format: "%9.4g   %.4f", sweep.rates[i], smoothed[i]))
        }
        guard let minimum = sweep.minimumRate, let suggestion = sweep.suggestion else { return }
        print(String(format: "lowest smoothed loss at lr %.3g; steepest descent at lr %@", minimum,
                     sweep.steepestRate.map { String(format: "%.3g", $0) } ?? "—"))
        print(String(format: "suggested learning rate: %.3g (a tenth of the minimum's)", suggestion))
    }
}
