/// The whole-word stages (transformer, RNN, GRU, bag of words): packed batches of words, each
/// split across `TrainingConfiguration.threads` model copies, the best state by validation
/// loss (evaluated every tenth of the run, at most every 500 steps, unless set).
final class SequenceEngine<Model: PackedSequenceModel & TrainableModel>: StageEngine {
    let model: Model
    let dataset: Dataset
    private let wrap: (Model.Configuration) -> StageConfiguration

    init(model: Model, dataset: Dataset, configuration wrap: @escaping (Model.Configuration) -> StageConfiguration) {
        self.model = model
        self.dataset = dataset
        self.wrap = wrap
    }

    var configuration: StageConfiguration { wrap(model.configuration) }
    var trainedModel: any CheckpointableModel { model }
    var inference: any LanguageModel { model }
    var parameterCount: Int { model.parameterCount }

    /// The words per batch of `training`; throws unless it is a number of words split across
    /// one or more model copies (whole words are packed per batch; the whole training set at
    /// once is not a batch the stage takes).
    @discardableResult
    static func batchSize(_ training: TrainingConfiguration) throws -> Int {
        guard let batchSize = training.batchSize, training.threads >= 1 else {
            throw MakemoreError.invalidValue(name: "batch_size", rule: "a number of words for the whole-word stages", value: "the whole training set")
        }
        return batchSize
    }

    func makeStep(_ training: TrainingConfiguration, using generator: inout RandomGenerator) throws -> TrainingStep {
        let batchSize = try Self.batchSize(training)
        let model = model
        let vocabularySize = dataset.vocabulary.size
        let replicas = try (1..<training.threads).map { _ in
            try Model(configuration: model.configuration, vocabularySize: vocabularySize, using: &generator)
        }
        let examples = try SequenceExamples(words: dataset.train, blockSize: model.maximumWordLength.map { $0 + 1 } ?? dataset.longestWord + 1)
        let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
        return TrainingStep(optimizer: optimizer, average: movingAverage(training, optimizer: optimizer), sequences: examples,
                            batchSize: batchSize, order: training.sampling, parallel: DataParallel(models: [model] + replicas))
    }

    func train(_ training: TrainingConfiguration, loop: TrainingLoop, using generator: inout RandomGenerator) throws -> TrainingHistory? {
        let step = try makeStep(training, using: &generator)
        let model = model
        var loop = loop
        model.setTraining(true)  // a loaded model is in evaluation mode
        loop.keepBest = model
        loop.evaluateEvery = training.evaluateEvery ?? max(1, min(500, training.steps / 10))
        return try loop.run(step, using: &generator, evaluate: { Evaluator.evaluate(model, words: self.dataset.val)?.nll })
    }

    func checkpointValidationLoss(after history: TrainingHistory?) -> Double? {
        history?.best?.loss ?? Evaluator.evaluate(model, words: dataset.val)?.nll
    }

    func details(losses: [SplitName: NLLResult?]) throws -> (extra: [(String, JSONValue)], notes: [String]) {
        let configuration = try JSONValue(encoding: model.configuration)
        return ([("config", configuration)], ["config: \(configuration.serialized)"])
    }
}
