import Foundation
import Testing
@testable import MakemoreKit

/// Per-word scoring: its numbers add up to the evaluator's, for window and sequence models.
@Suite struct WordScoreTests {
    static let words = ModelTesting.words(count: 40, seed: 3)

    static func models() throws -> [(String, any LanguageModel)] {
        var generator = RandomGenerator(seed: 11)
        var mlp = MLPConfiguration(vocabularySize: 27)
        mlp.hiddenSize = 16
        mlp.batchNorm = false
        return [
            ("bigram", CountBigram(words: words, vocabularySize: 27, smoothing: 1)),
            ("mlp", try MLP(configuration: mlp, using: &generator)),
            ("transformer", try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 9, layers: 1, heads: 2, embedding: 8), using: &generator)),
        ]
    }

    @Test func totalsAddUpToTheEvaluator() throws {
        for (name, model) in try Self.models() {
            let scores = WordScore.score(model, words: Self.words)
            let evaluated = Evaluator.evaluate(model, words: Self.words, wordsPerBatch: 7)
            let result = try #require(evaluated)
            let total = scores.reduce(0) { $0 + $1.totalNLL }
            #expect(abs(total - result.nll * Double(result.tokens)) < 1e-9 * result.totalNLL, "\(name)")
            #expect(scores.reduce(0) { $0 + $1.predictions.count } == result.tokens, "\(name)")
            for (score, word) in zip(scores, Self.words) {
                #expect(score.tokens == word && score.predictions.map(\.token) == word + [Vocabulary.boundary])
                #expect(abs(score.meanNLL - score.totalNLL / Double(word.count + 1)) < 1e-12)
                for p in score.predictions { #expect(abs(p.probability - Foundation.exp(-p.nll)) < 1e-12 && p.probability > 0 && p.probability <= 1) }
            }
        }
    }

    /// The bigram's probabilities are its normalised counts, so one word can be checked by hand.
    @Test func bigramProbabilitiesAreItsCounts() {
        let words: [[Int32]] = [[1, 2], [1, 1]]
        let model = CountBigram(words: words, vocabularySize: 3, smoothing: 0)
        let score = WordScore.score(model, words: [[1, 2]])[0]
        // p(1 | .) = 2/2, p(2 | 1) = 1/3 (1 follows 1 once, 2 once, . once), p(. | 2) = 1.
        #expect(score.predictions.map(\.probability).map { ($0 * 1e6).rounded() / 1e6 } == [1, 0.333333, 1])
        #expect(abs(score.totalNLL - Foundation.log(3)) < 1e-6)
    }

    @Test func percentileAmongReferenceTotals() {
        let words: [[Int32]] = [[1, 2], [1, 1], [2, 2, 1], [1]]
        let model = CountBigram(words: words, vocabularySize: 3, smoothing: 1)
        let reference = NLLDistribution(WordScore.score(model, words: words))
        #expect(reference.sortedTotals == reference.sortedTotals.sorted() && reference.sortedTotals.count == 4)
        #expect(reference.percentile(of: reference.sortedTotals[0] - 1) == 0)
        #expect(reference.percentile(of: reference.sortedTotals[3] + 1) == 100)
        #expect(reference.percentile(of: reference.sortedTotals[1]) == 37.5)  // one below, itself half
        #expect(NLLDistribution([]).percentile(of: 1).isNaN)
    }
}
