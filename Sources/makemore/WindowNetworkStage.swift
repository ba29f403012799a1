import Foundation
import MakemoreKit

/// The diagnostics options of the window-network stages.
let diagnosticsOptions = [
    Option(flag: "diagnose", "print per-layer activation, gradient and update:data statistics on stderr (and in --json)"),
    Option("diagnose-every", value: "N", "diagnose after the first step, every N steps and after the last (default: steps/10)"),
    Option("plot-diagnostics", value: "DIR", "with the diagnostics, write SVG histograms per layer and the update:data ratio over time to DIR"),
]

/// Runs a window-network stage (`mlp`, `wavenet`) end to end: data, model (fresh or `--load`),
/// training with diagnostics, optional BatchNorm calibration, `--save`, then evaluation and
/// sampling of the folded model and the report. `details` adds stage-specific text lines.
func runWindowNetworkStage<Model: WindowNetwork & TrainableModel>(
    _ name: String, _ arguments: ParsedArguments, model: Model.Type,
    configuration makeConfiguration: (Int) throws -> Model.Configuration, calibrate: Bool,
    details stageDetails: (Model.Configuration) -> [String] = { _ in [] }
) throws {
    let clock = ContinuousClock.now
    let training = try TrainingOptions(arguments)
    let checkpoint = try StageOptions.checkpoint(arguments)
    let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
    let restored = try checkpoint?.restore(Model.self, source: arguments.string("load")!)
    let configuration = try restored?.configuration ?? makeConfiguration(dataset.vocabulary.size)
    guard !configuration.batchNorm || training.batchSize.map({ $0 >= 2 }) ?? true else {
        throw UsageError("BatchNorm needs --batch-size 2 or more (or --no-batchnorm)")
    }
    var generator = RandomGenerator(seed: try arguments.seed("seed")!)
    let model = restored ?? Model(configuration: configuration, vocabularySize: dataset.vocabulary.size, using: &generator)
    let examples = WindowExamples(words: dataset.train, contextLength: configuration.contextLength)
    let initialLoss = model.trainingLoss(over: examples)
    let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
    let plotDiagnostics = arguments.string("plot-diagnostics")
    let diagnostics: TrainingDiagnostics? = arguments.flag("diagnose") || plotDiagnostics != nil
        ? TrainingDiagnostics(network: model.layers, name: "layers", parameters: model.namedParameters(),
                              every: try arguments.int("diagnose-every", in: 1...Int.max) ?? max(1, training.steps / 10), steps: training.steps)
        : nil
    var contexts: [Int32] = [], targets: [Int32] = []
    var sampler = BatchSampler(count: examples.count, order: training.sampling)
    let loop = checkpoint == nil ? training.loop(keepingBest: model, optimizer: optimizer) : TrainingLoop(steps: 0, learningRate: 0)
    let history = try loop.run(optimizer: optimizer, loss: { step in
        diagnostics?.beforeUpdate(step: step)
        guard let size = training.batchSize else {
            return model.loss(contexts: examples.contexts, targets: examples.targets)
        }
        examples.sampleBatch(size: size, from: &sampler, using: &generator, contexts: &contexts, targets: &targets)
        return model.loss(contexts: contexts, targets: targets)
    }, afterUpdate: { step in
        diagnostics?.afterUpdate(step: step)
        if let snapshot = diagnostics?.snapshots.last, snapshot.step == step + 1 {
            FileHandle.standardError.write(Data((snapshot.table + "\n").utf8))
        }
    }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
    try training.writeOutputs(history, model: name)
    if let plotDiagnostics { try diagnostics?.writePlots(directory: plotDiagnostics) }
    let calibrated = (calibrate || training.ema != nil) && checkpoint == nil && history.steps > 0 && configuration.batchNorm
    if calibrated { model.calibrateBatchNorm(contexts: examples.contexts) }

    try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (history.best?.step ?? history.steps),
                          valLoss: Evaluator.evaluate(model, words: dataset.val)?.nll)
    let inference = model.foldingBatchNorm()
    var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                             losses: StageOptions.losses(inference, dataset),
                             samples: try StageOptions.samples(inference, dataset, arguments, generator: &generator))
    training.record(history, in: &report)
    let ideal = log(Double(dataset.vocabulary.size))
    report.extra = [("initial_loss", .number(Double(initialLoss))), ("uniform_loss", .number(ideal)),
                    ("configuration", try JSONValue(encoding: configuration)), ("folded_parameters", .integer(inference.parameterCount)),
                    ("batch_norm_calibrated", .bool(calibrated))]
    if let diagnostics { report.extra.append(("diagnostics", .array(diagnostics.snapshots.map(\.json)))) }
    report.seconds = (ContinuousClock.now - clock).seconds
    var details = [String(format: "initial loss %.4f (ideal: uniform ln V = %.4f)", initialLoss, ideal)] + stageDetails(configuration)
    if calibrated { details.append("BatchNorm statistics calibrated over all \(examples.count) training windows") }
    if configuration.batchNorm {
        details.append("evaluated and sampled with BatchNorm folded into the Linear before it (\(inference.parameterCount) parameters)")
    }
    StageOptions.emit(report, arguments, details: details)
}
