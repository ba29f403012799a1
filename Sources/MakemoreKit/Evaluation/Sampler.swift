import Foundation

/// How to draw each next token.
public struct SamplingOptions: Sendable {
    /// Divides the log-probabilities before renormalising: < 1 sharper, > 1 flatter.
    public var temperature: Double = 1
    /// Keep only the `topK` most likely tokens (nil: all).
    public var topK: Int? = nil
    /// The first characters of every generated word (tokens, no boundary).
    public var prefix: [Int32] = []
    /// Hard cap on a word's length in tokens, used when the model has no limit of its own.
    public var maximumLength: Int = 64

    /// Defaults: temperature 1, no top-k, no prefix, at most 64 tokens.
    public init(temperature: Double = 1, topK: Int? = nil, prefix: [Int32] = [], maximumLength: Int = 64) {
        self.temperature = temperature
        self.topK = topK
        self.prefix = prefix
        self.maximumLength = maximumLength
    }
}

/// The one `generate` every stage samples with: start after the boundary (and any prefix),
/// draw tokens until the boundary comes back or the length limit is reached.
public enum Sampler {
    /// Draws `count` words; each is returned as tokens without boundaries.
    public static func generate(
        _ model: some LanguageModel, count: Int, options: SamplingOptions = SamplingOptions(),
        using generator: inout RandomGenerator
    ) -> [[Int32]] {
        let limit = model.maximumWordLength ?? options.maximumLength
        var words: [[Int32]] = []
        var weights = [Float](repeating: 0, count: model.vocabularySize)
        for _ in 0..<count {
            var word = options.prefix
            while word.count < limit {
                let logProbabilities = model.nextTokenLogProbabilities(after: word)
                probabilities(logProbabilities, options: options, into: &weights)
                let token = Int32(generator.categorical(weights))
                if token == Vocabulary.boundary { break }
                word.append(token)
            }
            words.append(word)
        }
        return words
    }

    /// softmax(logp / temperature) restricted to the top k, unnormalised, into `weights`.
    static func probabilities(_ logProbabilities: [Float], options: SamplingOptions, into weights: inout [Float]) {
        var threshold = -Float.infinity
        if let k = options.topK, k < logProbabilities.count {
            threshold = logProbabilities.sorted(by: >)[max(k, 1) - 1]
        }
        let maximum = logProbabilities.max() ?? 0
        let t = Float(options.temperature)
        for i in logProbabilities.indices {
            let lp = logProbabilities[i]
            weights[i] = lp < threshold || lp == -.infinity ? 0 : Foundation.exp((lp - maximum) / t)
        }
    }
}
