import Foundation

/// The mean negative log-likelihood of a split: the one number every stage is compared by.
public struct NLLResult: Equatable, Sendable {
    /// Sum over predicted tokens of −ln p(token), in nats (+∞ if some token had probability 0).
    public let totalNLL: Double
    /// Predicted tokens: every character of every word plus each word's end.
    public let tokens: Int

    /// Mean NLL per predicted token (nats).
    public var nll: Double { totalNLL / Double(tokens) }
    /// e^nll: the effective number of equally likely choices per token.
    public var perplexity: Double { Foundation.exp(nll) }
    /// The same loss in bits per character.
    public var bitsPerCharacter: Double { nll / Foundation.log(2) }

    /// `self`, or a one-line `MakemoreError` naming `split` when the NLL is not a number (the
    /// model's weights overflow). +∞, a token of probability 0, is an answer, not an error.
    package func checked(split: String) throws -> NLLResult {
        guard nll.isNaN else { return self }
        throw MakemoreError.notANumber("the model's NLL on \(split) is not a number (its probabilities overflow); the weights are unusable")
    }
}

/// The one NLL evaluator shared by every stage.
public enum Evaluator {
    /// Exact token-weighted mean NLL of `model` over `words` (not a mean of batch means):
    /// each word of n characters contributes n + 1 predictions, its end included. Words are
    /// scored `wordsPerBatch` at a time. Returns nil for an empty split.
    public static func evaluate(_ model: some LanguageModel, words: [[Int32]], wordsPerBatch: Int = 512) -> NLLResult? {
        guard !words.isEmpty else { return nil }
        var total = 0.0
        var tokens = 0
        forEachWord(of: model, words: words, wordsPerBatch: wordsPerBatch) { _, targetLogProbabilities in
            for logProbability in targetLogProbabilities { total -= Double(logProbability) }
            tokens += targetLogProbabilities.count
        }
        return NLLResult(totalNLL: total, tokens: tokens)
    }

    /// Scores `words` through `model.nextTokenLogProbabilities(words:)`, `wordsPerBatch` at a
    /// time, and hands `body` each word's index with the log-probabilities of its n + 1 targets
    /// (its characters, then the end boundary), word after word.
    package static func forEachWord(of model: some LanguageModel, words: [[Int32]], wordsPerBatch: Int = 512,
                                   _ body: (_ index: Int, _ targetLogProbabilities: [Float]) -> Void) {
        let v = model.vocabularySize
        var start = 0
        while start < words.count {
            let end = min(start + wordsPerBatch, words.count)
            let logProbabilities = model.nextTokenLogProbabilities(words: Array(words[start..<end]))
            var row = 0
            for index in start..<end {
                let targets = words[index] + [Vocabulary.boundary]
                body(index, targets.enumerated().map { logProbabilities[(row + $0) * v + Int($1)] })
                row += targets.count
            }
            precondition(row * v == logProbabilities.count, "model returned \(logProbabilities.count / v) rows for \(row) predictions")
            start = end
        }
    }
}
