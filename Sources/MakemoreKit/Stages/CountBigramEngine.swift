/// The count bigram stage: fitted in closed form when built, never trained.
final class CountBigramEngine: StageEngine {
    let model: CountBigram

    /// The bigram of `dataset`'s training words.
    init(smoothing: Double, dataset: Dataset) {
        model = CountBigram(words: dataset.train, vocabularySize: dataset.vocabulary.size, smoothing: smoothing)
    }

    init(model: CountBigram) { self.model = model }

    var configuration: StageConfiguration { .bigram(smoothing: model.smoothing) }
    var trainedModel: any CheckpointableModel { model }
    var inference: any LanguageModel { model }
    var parameterCount: Int { model.counts.count }
    var trains: Bool { false }

    func makeStep(_ training: TrainingConfiguration, using generator: inout RandomGenerator) throws -> TrainingStep {
        throw MakemoreError.unsupported("the count bigram is fitted in closed form; it has no training step")
    }

    func train(_ training: TrainingConfiguration, loop: TrainingLoop, using generator: inout RandomGenerator) throws -> TrainingHistory? { nil }

    func checkpointValidationLoss(after history: TrainingHistory?) -> Double? { nil }

    func details(losses: [SplitName: NLLResult?]) throws -> (extra: [(String, JSONValue)], notes: [String]) {
        ([("smoothing", .number(model.smoothing))], [])
    }
}
