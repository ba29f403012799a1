import Foundation
import Testing
@testable import MakemoreKit

@Suite struct CountBigramTests {
    @Test func emmaCounts() throws {
        let vocabulary = Vocabulary(words: ["emma"])
        let model = CountBigram(words: [try vocabulary.encode("emma")], vocabularySize: vocabulary.size, smoothing: 0)
        let pairs = Dictionary(uniqueKeysWithValues: try model.topPairs(100).map { (try vocabulary.decode([$0.previous, $0.next]), $0.count) })
        #expect(pairs == [".e": 1, "em": 1, "mm": 1, "ma": 1, "a.": 1])
    }

    /// Words "ab": with s = 1 and V = 3 every transition has probability (1 + 1) / (1 + 3) = ½.
    @Test func smoothedNLLByHand() throws {
        let model = CountBigram(words: [[1, 2]], vocabularySize: 3, smoothing: 1)
        let result = try #require(Evaluator.evaluate(model, words: [[1, 2]]))
        #expect(result.tokens == 3)
        #expect(abs(result.nll - log(2)) < 1e-6)
        let unsmoothed = try #require(Evaluator.evaluate(CountBigram(words: [[1, 2]], vocabularySize: 3, smoothing: 0), words: [[1, 2]]))
        #expect(abs(unsmoothed.nll) < 1e-7)
    }

    @Test func zeroSmoothingGivesInfiniteNLLOnUnseenPairs() throws {
        let model = CountBigram(words: [[1, 2]], vocabularySize: 3, smoothing: 0)
        let result = try #require(Evaluator.evaluate(model, words: [[2, 1]]))
        #expect(result.nll == .infinity)
    }

    @Test func samplingIsReproducible() throws {
        let model = CountBigram(words: [[1, 2, 3], [3, 2], [1, 1, 2]], vocabularySize: 4, smoothing: 1)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3), c = RandomGenerator(seed: 4)
        let first = try Sampler.generate(model, count: 20, using: &a)
        #expect(try first == Sampler.generate(model, count: 20, using: &b))
        #expect(try first != Sampler.generate(model, count: 20, using: &c))
    }
}

@Suite struct EvaluatorTests {
    /// A hand-made model: p(boundary) = ½ and p(token 1) = ½ after every prefix.
    struct HalfModel: LanguageModel {
        let vocabularySize = 3
        let maximumWordLength: Int? = nil
        func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] {
            let row: [Float] = [log(0.5), log(0.5), -.infinity]
            return words.flatMap { word in (0...word.count).flatMap { _ in row } }
        }
    }

    @Test func tokenWeightedMeanAcrossBatches() throws {
        // Words [1] and [1, 1, 1]: 2 + 4 = 6 predictions, each −ln ½.
        let result = try #require(Evaluator.evaluate(HalfModel(), words: [[1], [1, 1, 1]], wordsPerBatch: 1))
        #expect(result.tokens == 6)
        #expect(abs(result.nll - log(2)) < 1e-7)
        #expect(abs(result.perplexity - 2) < 1e-6)
        #expect(abs(result.bitsPerCharacter - 1) < 1e-7)
        #expect(Evaluator.evaluate(HalfModel(), words: []) == nil)
        #expect(try #require(Evaluator.evaluate(HalfModel(), words: [[2]])).nll == .infinity)
    }

    @Test func topKAndTemperatureShapeTheDistribution() throws {
        var weights = [Float](repeating: 0, count: 3)
        let logProbabilities: [Float] = [log(0.5), log(0.3), log(0.2)]
        try Sampler.probabilities(logProbabilities, options: SamplingOptions(topK: 2), into: &weights)
        #expect(weights[2] == 0 && weights[0] > weights[1])
        try Sampler.probabilities(logProbabilities, options: SamplingOptions(temperature: 1e-3), into: &weights)
        #expect(weights[1] < 1e-30 && weights[0] == 1)
    }
}
