import Foundation

/// The window-network stages (MLP, WaveNet): minibatches of windows, optional training
/// diagnostics, BatchNorm statistics recomputed after training when asked (or when a moving
/// average was kept), and evaluation and sampling with BatchNorm folded into the Linear before it.
final class WindowNetworkEngine<Model: WindowNetwork & TrainableModel>: StageEngine {
    let model: Model
    let dataset: Dataset
    private let wrap: (Model.Configuration) -> StageConfiguration
    private lazy var examples = WindowExamples(words: dataset.train, contextLength: model.contextLength)
    private var initialLoss: Float?
    private var folded: Model?
    /// Whether the last training run recomputed BatchNorm's statistics.
    private(set) var calibrated = false
    /// Whether the last training run kept its best state by val loss.
    private var keptBest = false
    /// The diagnostics of the last training run, if it took any.
    private(set) var diagnostics: TrainingDiagnostics?

    init(model: Model, dataset: Dataset, configuration wrap: @escaping (Model.Configuration) -> StageConfiguration) {
        self.model = model
        self.dataset = dataset
        self.wrap = wrap
    }

    var configuration: StageConfiguration { wrap(model.configuration) }
    var trainedModel: any CheckpointableModel { model }
    var parameterCount: Int { model.parameterCount }

    /// The inference model: BatchNorm folded, once per training.
    var inference: any LanguageModel { foldedModel }

    private var foldedModel: Model {
        if let folded { return folded }
        let model = model.foldingBatchNorm()
        folded = model
        return model
    }

    private func measureInitialLoss() -> Float {
        if let initialLoss { return initialLoss }
        let loss = model.trainingLoss(over: examples)
        initialLoss = loss
        return loss
    }

    /// Throws when `training` would normalise batches of one example with BatchNorm (a batch's
    /// variance needs two); a run of no steps draws none.
    static func checkBatches(_ training: TrainingConfiguration, batchNorm: Bool) throws {
        guard !batchNorm || training.steps == 0 || training.batchSize.map({ $0 >= 2 }) ?? true else {
            throw MakemoreError.invalidValue(name: "batch_size", rule: "2 or more with BatchNorm", value: "\(training.batchSize ?? 0)")
        }
    }

    func makeStep(_ training: TrainingConfiguration, using generator: inout RandomGenerator) throws -> TrainingStep {
        try Self.checkBatches(training, batchNorm: model.configuration.batchNorm)
        let model = model
        let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
        return TrainingStep(optimizer: optimizer, average: movingAverage(training, optimizer: optimizer), windows: examples,
                            batchSize: training.batchSize, order: training.sampling, network: model)
    }

    func train(_ training: TrainingConfiguration, loop: TrainingLoop, using generator: inout RandomGenerator) throws -> TrainingHistory? {
        let step = try makeStep(training, using: &generator)
        _ = measureInitialLoss()
        model.setTraining(true)  // a loaded model is in evaluation mode
        folded = nil
        let model = model
        let diagnostics = training.diagnosticsEvery.map {
            TrainingDiagnostics(network: model.layers, name: "layers", parameters: model.namedParameters(), every: $0, steps: training.steps)
        }
        self.diagnostics = diagnostics
        var loop = loop
        loop.keepBest = model
        let onEvent = loop.onEvent
        let history = try loop.run(step, using: &generator, beforeStep: { diagnostics?.beforeUpdate(step: $0) }, afterStep: { step in
            diagnostics?.afterUpdate(step: step)
            if let snapshot = diagnostics?.snapshots.last, snapshot.step == step + 1 { onEvent?(.diagnostics(snapshot)) }
        }, evaluate: { Evaluator.evaluate(model, words: self.dataset.val)?.nll })
        calibrated = (training.calibratesBatchNorm || training.ema != nil) && history.steps > 0 && model.configuration.batchNorm
        if calibrated { model.calibrateBatchNorm(contexts: examples.contexts) }
        keptBest = history.best != nil
        return history
    }

    func checkpointValidationLoss(after history: TrainingHistory?) -> Double? { Evaluator.evaluate(model, words: dataset.val)?.nll }

    func details(losses: [SplitName: NLLResult?]) throws -> (extra: [(String, JSONValue)], notes: [String]) {
        let initialLoss = measureInitialLoss()
        let configuration = model.configuration
        let ideal = log(Double(dataset.vocabulary.size))
        let inference = foldedModel
        var extra: [(String, JSONValue)] = [
            ("initial_loss", .number(Double(initialLoss))), ("uniform_loss", .number(ideal)),
            ("configuration", try JSONValue(encoding: configuration)), ("folded_parameters", .integer(inference.parameterCount)),
            ("batch_norm_calibrated", .bool(calibrated)),
        ]
        if let diagnostics { extra.append(("diagnostics", .array(diagnostics.snapshots.map(\.json)))) }
        var notes = [String(format: "initial loss %.4f (ideal: uniform ln V = %.4f)", initialLoss, ideal)]
        if let wavenet = configuration as? WaveNetConfiguration {
            notes.append("levels: \(wavenet.levels) (context \(wavenet.contextLength) = 2^\(wavenet.levels))")
        }
        if calibrated {
            notes.append("BatchNorm statistics calibrated over all \(examples.count) training windows after training"
                         + (keptBest ? " (val NLL uses them; the best val loss was measured with training's running averages)" : ""))
        }
        if configuration.batchNorm {
            notes.append("evaluated and sampled with BatchNorm folded into the Linear before it (\(inference.parameterCount) parameters)")
        }
        return (extra, notes)
    }
}
