import Foundation

/// The neural bigram stage: one weight matrix trained on (previous, next) pairs with an l2
/// penalty, compared with the count bigram it should approach.
final class NeuralBigramEngine: StageEngine {
    let model: NeuralBigram
    /// The penalty's weight (applied in single precision).
    let l2: Double
    let dataset: Dataset
    private lazy var examples = WindowExamples(words: dataset.train, contextLength: 1)
    /// The loss (penalty excluded) before the first training step.
    private var initialLoss: Float?

    init(model: NeuralBigram, l2: Double, dataset: Dataset) {
        self.model = model
        self.l2 = l2
        self.dataset = dataset
    }

    var configuration: StageConfiguration { .neuralBigram(l2: l2) }
    var trainedModel: any CheckpointableModel { model }
    var inference: any LanguageModel { model }
    var parameterCount: Int { model.parameterCount }

    /// The initial loss is one pass over every training pair; the l2 penalty keeps W² and its
    /// gradient (2 V²), and the report's count bigram its counts (8-byte integers) and
    /// log-probability table (3 V²).
    var extraFootprint: (fullPassRows: Int, elements: Double) {
        let v = Double(dataset.vocabulary.size)
        return (dataset.train.reduce(0) { $0 + $1.count + 1 }, 5 * v * v)
    }

    private func measureInitialLoss() -> Float {
        if let initialLoss { return initialLoss }
        let loss = Tensor.withoutGradient { model.loss(contexts: examples.contexts, targets: examples.targets, l2: 0).item }
        initialLoss = loss
        return loss
    }

    func makeStep(_ training: TrainingConfiguration, using generator: inout RandomGenerator) throws -> TrainingStep {
        let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
        let (model, l2) = (model, Float(l2))
        return TrainingStep(optimizer: optimizer, average: movingAverage(training, optimizer: optimizer), windows: examples,
                            batchSize: training.batchSize, order: training.sampling) { model.loss(contexts: $0, targets: $1, l2: l2) }
    }

    func train(_ training: TrainingConfiguration, loop: TrainingLoop, using generator: inout RandomGenerator) throws -> TrainingHistory? {
        _ = measureInitialLoss()
        let step = try makeStep(training, using: &generator)
        model.setTraining(true)  // a loaded model is in evaluation mode
        let model = model
        var loop = loop
        loop.keepBest = model
        return try loop.run(step, using: &generator, evaluate: { Evaluator.evaluate(model, words: self.dataset.val)?.nll })
    }

    func checkpointValidationLoss(after history: TrainingHistory?) -> Double? { Evaluator.evaluate(model, words: dataset.val)?.nll }

    func details(losses: [SplitName: NLLResult?]) throws -> (extra: [(String, JSONValue)], notes: [String]) {
        let initialLoss = measureInitialLoss()
        let counts = CountBigram(words: dataset.train, vocabularySize: dataset.vocabulary.size, smoothing: 1)
        let countVal = Evaluator.evaluate(counts, words: dataset.val)?.nll
        let ideal = log(Double(dataset.vocabulary.size))
        var valGap: Double?
        if let neuralVal = losses[.val] ?? nil, let countVal { valGap = neuralVal.nll - countVal }
        let extra: [(String, JSONValue)] = [
            ("initial_loss", .number(Double(initialLoss))), ("uniform_loss", .number(ideal)),
            ("count_bigram_val_loss", .number(countVal)), ("val_gap_to_count_bigram", .number(valGap)), ("l2", .number(Double(Float(l2)))),
        ]
        var notes = [String(format: "initial loss %.4f (uniform ln V = %.4f; N(0,1) logits add ≈ 0.5)", initialLoss, ideal)]
        if let countVal, let valGap {
            notes.append(String(format: "count bigram (smoothing 1) val NLL %.4f; gap %+.4f nats", countVal, valGap))
        }
        return (extra, notes)
    }
}
