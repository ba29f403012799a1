extension LoadedModel {
    /// How likely the model finds each of `words` (tokens without boundaries), prediction by
    /// prediction, through the evaluator's path. Throws a one-line error naming `source` for a
    /// word longer than a sequence model reads.
    public func score(_ words: [[Int32]], source: String) throws -> [WordScore] {
        if let bad = words.joined().first(where: { $0 < 1 || Int($0) >= vocabulary.size }) {
            throw MakemoreError.invalidValue(name: "token", rule: "in 1...\(vocabulary.size - 1)", value: "\(bad)")
        }
        try checkFits(words, source: source)
        return WordScore.score(model, words: words)
    }

    /// The NLL of `words` (one split, named `split` in errors), through the shared evaluator;
    /// nil for no words. Throws a one-line error naming `source` for a word longer than a
    /// sequence model reads, or probabilities that are not numbers.
    public func evaluate(_ words: [[Int32]], split: String, source: String) throws -> NLLResult? {
        try checkFits(words, source: source)
        return try Evaluator.evaluate(model, words: words)?.checked(split: split)
    }

    /// Throws a one-line error naming `source`, the longest of `words` and the block size when
    /// it is longer than the model reads (a sequence model's block holds the word and its start).
    package func checkFits(_ words: [[Int32]], source: String) throws {
        guard let limit = model.maximumWordLength,
              let long = words.filter({ $0.count > limit }).max(by: { $0.count < $1.count }) else { return }
        let text = try vocabulary.decode(long)
        let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
        throw MakemoreError.inFile(path: source, .mismatch("word '\(shown)' has \(long.count) characters; the \(kind) model reads at most \(limit) (block size \(limit + 1))"))
    }

    /// The total NLLs of the training words — the given words' or, for a checkpoint without
    /// them, those of the split it records — that the model can read, to rank a word among.
    /// Throws when those words cannot be loaded.
    package func trainingNLLs() throws -> NLLDistribution {
        let train = try Dataset(split: split(), vocabulary: vocabulary).train
        let limit = model.maximumWordLength ?? Int.max
        return NLLDistribution(WordScore.score(model, words: train.filter { $0.count <= limit }))
    }
}
