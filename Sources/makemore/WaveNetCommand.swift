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
            Option(flag: "diagnose", "print per-layer activation, gradient and update:data statistics on stderr (and in --json)"),
            Option("diagnose-every", value: "N", "diagnose after the first step, every N steps and after the last (default: steps/10)"),
            Option("plot-diagnostics", value: "DIR", "with the diagnostics, write SVG histograms per layer and the update:data ratio over time to DIR"),
        ]

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

    /// The mean loss over every training window as training sees it (batch statistics), taken
    /// in even chunks of at most 4096 windows (all at once would need several (N, 4, 128)
    /// tensors), leaving the running statistics as they were.
    static func initialTrainingLoss(_ model: WaveNet, _ examples: WindowExamples, rowsPerChunk: Int = 4096) -> Float {
        let buffers = model.namedBuffers().map { ($0.tensor, $0.tensor.values) }
        defer { for (tensor, values) in buffers { tensor.copy(from: values) } }
        let k = examples.contextLength, n = examples.count
        let chunks = (n + rowsPerChunk - 1) / rowsPerChunk
        var total = 0.0
        for chunk in 0..<chunks {
            let rows = (chunk * n / chunks)..<((chunk + 1) * n / chunks)
            let loss = Tensor.withoutGradient {
                model.loss(contexts: Array(examples.contexts[(rows.lowerBound * k)..<(rows.upperBound * k)]), targets: Array(examples.targets[rows])).item
            }
            total += Double(loss) * Double(rows.count)
        }
        return Float(total / Double(max(1, n)))
    }

    static func run(_ arguments: ParsedArguments) throws {
        let clock = ContinuousClock.now
        let training = try TrainingOptions(arguments)
        let checkpoint = try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        let restored = try checkpoint?.restore(WaveNet.self, source: arguments.string("load")!)
        let configuration = try restored?.configuration ?? configuration(arguments, vocabularySize: dataset.vocabulary.size)
        guard !configuration.batchNorm || training.batchSize.map({ $0 >= 2 }) ?? true else {
            throw UsageError("BatchNorm needs --batch-size 2 or more (or --no-batchnorm)")
        }
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = restored ?? WaveNet(configuration: configuration, using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: configuration.contextLength)
        let initialLoss = initialTrainingLoss(model, examples)
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
        let calibrated = checkpoint == nil && history.steps > 0 && configuration.batchNorm && !arguments.flag("no-calibrate")
        if calibrated { model.calibrateBatchNorm(contexts: examples.contexts) }

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
                        ("folded_parameters", .integer(inference.parameterCount)), ("batch_norm_calibrated", .bool(calibrated))]
        if let diagnostics { report.extra.append(("diagnostics", .array(diagnostics.snapshots.map(\.json)))) }
        report.seconds = (ContinuousClock.now - clock).seconds
        var details = [String(format: "initial loss %.4f (ideal: uniform ln V = %.4f)", initialLoss, ideal),
                       "levels: \(configuration.levels) (context \(configuration.contextLength) = 2^\(configuration.levels))"]
        if calibrated { details.append("BatchNorm statistics calibrated over all \(examples.count) training windows") }
        if configuration.batchNorm {
            details.append("evaluated and sampled with BatchNorm folded into the Linear before it (\(inference.parameterCount) parameters)")
        }
        StageOptions.emit(report, arguments, details: details)
    }
}
