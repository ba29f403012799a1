import Foundation
import MakemoreKit

/// `makemore mlp`: stage 3, the Bengio MLP with Kaiming init and BatchNorm.
enum MLPCommand: Subcommand {
    static let name = "mlp"
    static let summary = "stage 3: MLP over the previous --context characters (embedding, tanh blocks with BatchNorm)"
    static let options = StageOptions.common
        + TrainingOptions.options(TrainingDefaults(steps: 200_000, learningRate: 0.1, optimizer: .sgd, schedule: "step", batchSize: "32"))
        + modelOptions
        + [
            Option(flag: "diagnose", "print per-layer activation, gradient and update:data statistics on stderr (and in --json)"),
            Option("diagnose-every", value: "N", "diagnose after the first step, every N steps and after the last (default: steps/10)"),
            Option("plot-diagnostics", value: "DIR", "with the diagnostics, write SVG histograms per layer and the update:data ratio over time to DIR"),
        ]

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
        let clock = ContinuousClock.now
        let training = try TrainingOptions(arguments)
        let checkpoint = try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        let restored = try checkpoint?.restore(MLP.self, source: arguments.string("load")!)
        let configuration = try restored?.configuration ?? configuration(arguments, vocabularySize: dataset.vocabulary.size)
        guard !configuration.batchNorm || training.batchSize.map({ $0 >= 2 }) ?? true else {
            throw UsageError("BatchNorm needs --batch-size 2 or more (or --no-batchnorm)")
        }
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = restored ?? MLP(configuration: configuration, using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: configuration.contextLength)
        let initialLoss = Tensor.withoutGradient { model.loss(contexts: examples.contexts, targets: examples.targets).item }
        let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
        let plotDiagnostics = arguments.string("plot-diagnostics")
        let diagnostics: TrainingDiagnostics? = arguments.flag("diagnose") || plotDiagnostics != nil
            ? TrainingDiagnostics(network: model.layers, name: "layers", parameters: model.namedParameters(),
                                  every: try arguments.int("diagnose-every", in: 1...Int.max) ?? max(1, training.steps / 10), steps: training.steps)
            : nil
        var contexts: [Int32] = [], targets: [Int32] = []
        let loop = checkpoint == nil ? training.loop(keepingBest: model) : TrainingLoop(steps: 0, learningRate: 0)
        let history = try loop.run(optimizer: optimizer, loss: { step in
            diagnostics?.beforeUpdate(step: step)
            guard let size = training.batchSize else {
                return model.loss(contexts: examples.contexts, targets: examples.targets)
            }
            examples.sampleBatch(size: size, using: &generator, contexts: &contexts, targets: &targets)
            return model.loss(contexts: contexts, targets: targets)
        }, afterUpdate: { step in
            diagnostics?.afterUpdate(step: step)
            if let snapshot = diagnostics?.snapshots.last, snapshot.step == step + 1 {
                FileHandle.standardError.write(Data((snapshot.table + "\n").utf8))
            }
        }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
        try training.writeOutputs(history, model: name)
        if let plotDiagnostics { try diagnostics?.writePlots(directory: plotDiagnostics) }

        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (history.best?.step ?? history.steps),
                              valLoss: Evaluator.evaluate(model, words: dataset.val)?.nll)
        let inference = model.foldingBatchNorm()
        var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                                 losses: StageOptions.losses(inference, dataset),
                                 samples: try StageOptions.samples(inference, dataset, arguments, generator: &generator))
        report.record(history)
        let ideal = log(Double(dataset.vocabulary.size))
        report.extra = [("initial_loss", .number(Double(initialLoss))), ("uniform_loss", .number(ideal)),
                        ("configuration", configuration.json),
                        ("folded_parameters", .integer(inference.parameterCount))]
        if let diagnostics { report.extra.append(("diagnostics", .array(diagnostics.snapshots.map(\.json)))) }
        report.seconds = (ContinuousClock.now - clock).seconds
        var details = [String(format: "initial loss %.4f (ideal: uniform ln V = %.4f)", initialLoss, ideal)]
        if configuration.batchNorm {
            details.append("evaluated and sampled with BatchNorm folded into the Linear before it (\(inference.parameterCount) parameters)")
        }
        StageOptions.emit(report, arguments, details: details)
    }
}
