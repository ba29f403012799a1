import Foundation

/// How likely a model finds one word, prediction by prediction: the notes' walk through the
/// log-likelihood of single words. A word of n characters has n + 1 predictions, its end
/// boundary included, exactly as `Evaluator` counts them.
public struct WordScore: Sendable {
    /// One prediction: the token and the model's probability of it after the word's prefix.
    public struct Prediction: Sendable {
        public let token: Int32
        /// p(token | the boundary and the characters before it).
        public let probability: Double
        /// −ln p, in nats (+∞ when p = 0).
        public let nll: Double
    }

    /// The word's tokens (no boundaries).
    public let tokens: [Int32]
    /// Its characters' predictions, then the end boundary's.
    public let predictions: [Prediction]

    /// −ln p(word) = Σ −ln p of every prediction.
    public var totalNLL: Double { predictions.reduce(0) { $0 + $1.nll } }
    /// The total over the n + 1 predictions: comparable with the evaluator's per-token NLL.
    public var meanNLL: Double { totalNLL / Double(predictions.count) }

    /// Scores `words` (tokens, no boundaries) under `model`, through the evaluator's path.
    public static func score(_ model: some LanguageModel, words: [[Int32]]) -> [WordScore] {
        var scores: [WordScore] = []
        scores.reserveCapacity(words.count)
        Evaluator.forEachWord(of: model, words: words) { index, logProbabilities in
            let targets = words[index] + [Vocabulary.boundary]
            scores.append(WordScore(tokens: words[index], predictions: zip(targets, logProbabilities).map { token, logProbability in
                Prediction(token: token, probability: Foundation.exp(Double(logProbability)), nll: -Double(logProbability))
            }))
        }
        return scores
    }
}
