extension LoadedModel {
    /// How likely the model finds each of `words` (tokens without boundaries), prediction by
    /// prediction, through the evaluator's path. Throws a one-line error naming `source` for a
    /// word longer than a sequence model reads.
    public func score(_ words: [[Int32]], source: String) throws -> [WordScore] {
        if let limit = model.maximumWordLength, let long = words.first(where: { $0.count > limit }) {
            throw MakemoreError.file(path: source, reason: "word '\(vocabulary.decode(long))' has \(long.count) characters; the \(kind) model reads at most \(limit)")
        }
        return WordScore.score(model, words: words)
    }

    /// The total NLLs of the training words — the given words' or, for a checkpoint without
    /// them, those of the split it records — that the model can read, to rank a word among.
    /// Throws when those words cannot be loaded.
    public func trainingNLLs() throws -> NLLDistribution {
        let train = try Dataset(split: split(), vocabulary: vocabulary).train
        let limit = model.maximumWordLength ?? Int.max
        return NLLDistribution(WordScore.score(model, words: train.filter { $0.count <= limit }))
    }
}
