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
    /// Words grown side by side (1: one word after another; nil: the model's
    /// `defaultSamplingBatchSize`).
    public var batchSize: Int? = nil

    /// The length cap for data whose longest word has `longestWord` tokens: twice that, at
    /// least 16 (room to make up longer words without looping forever).
    package static func lengthLimit(longestWord: Int) -> Int { max(2 * longestWord, 16) }

    /// The range of each value (and of the number of words drawn); `Sampler.generate` checks
    /// them and the flags parse against them.
    package enum Limits {
        package static let temperature = Limit<Double>("temperature", 1e-6...1e6)
        package static let topK = Limit("top_k", 1...Int.max)
        package static let maximumLength = Limit("maximum_length", 1...1_000_000)
        package static let batchSize = Limit("sampling_batch_size", 1...1_000_000)
        /// Words drawn in one call.
        package static let count = Limit("count", 0...10_000_000)
    }

    /// Throws unless every value lies in its `Limits` range.
    public func validate() throws {
        try Limits.temperature.check(temperature)
        if let topK { try Limits.topK.check(topK) }
        try Limits.maximumLength.check(maximumLength)
        if let batchSize { try Limits.batchSize.check(batchSize) }
    }

    /// Throws unless every prefix token is a character of a vocabulary of `vocabularySize`
    /// tokens (1..<V: the boundary 0 is not a character).
    package func checkTokens(vocabularySize: Int) throws {
        if let bad = prefix.first(where: { $0 < 1 || Int($0) >= vocabularySize }) {
            throw MakemoreError.invalidValue(name: "prefix", rule: "tokens in 1...\(vocabularySize - 1)", value: "token \(bad)")
        }
    }

    /// Defaults: temperature 1, no top-k, no prefix, at most 64 tokens, the model's batch size.
    public init(temperature: Double = 1, topK: Int? = nil, prefix: [Int32] = [], maximumLength: Int = 64, batchSize: Int? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.prefix = prefix
        self.maximumLength = maximumLength
        self.batchSize = batchSize
    }
}

/// The one `generate` every stage samples with: start after the boundary (and any prefix),
/// draw tokens until the boundary comes back or the length limit is reached.
package enum Sampler {
    /// Draws `count` words; each is returned as tokens without boundaries.
    ///
    /// Draw order: up to `batchSize` words grow at once in the slots of the model's
    /// `BatchDecoder`; each step draws one token for every slot whose word is past its prefix, in
    /// slot order, and a finished word's slot takes the next word. A batch of 1 draws word after
    /// word, token after token. The same seed and batch size give the same words.
    ///
    /// Throws a one-line `MakemoreError` when the model's probabilities are not numbers (NaN,
    /// or nothing left to draw): weights that overflow cannot be sampled.
    package static func generate(
        _ model: some LanguageModel, count: Int, options: SamplingOptions = SamplingOptions(),
        using generator: inout RandomGenerator
    ) throws -> [[Int32]] {
        try SamplingOptions.Limits.count.check(count)
        try options.validate()
        try options.checkTokens(vocabularySize: model.vocabularySize)
        let batchSize = options.batchSize ?? model.defaultSamplingBatchSize
        let limit = model.maximumWordLength ?? options.maximumLength
        let v = model.vocabularySize
        var words = [[Int32]](repeating: options.prefix, count: count)
        guard count > 0, options.prefix.count < limit else { return words }
        let opening = [Vocabulary.boundary] + options.prefix  // fed before the first draw
        let capacity = min(count, batchSize)
        let decoder = model.makeBatchDecoder(capacity: capacity)
        var wordInSlot: [Int?] = Array(0..<capacity)  // nil once no word is left for the slot
        var fed = [Int](repeating: 0, count: capacity)  // slot → tokens of its sequence fed so far
        var nextWord = capacity
        var weights = [Float](repeating: 0, count: v)
        var tokens: [Int32] = [], slots: [Int] = []
        while true {
            tokens.removeAll(keepingCapacity: true)
            slots.removeAll(keepingCapacity: true)
            for slot in 0..<capacity {
                guard let w = wordInSlot[slot] else { continue }
                let f = fed[slot]
                tokens.append(f < opening.count ? opening[f] : words[w][f - 1])
                slots.append(slot)
            }
            if slots.isEmpty { return words }
            let logProbabilities = decoder.append(tokens, to: slots)  // (slots.count, V)
            for (row, slot) in slots.enumerated() {
                fed[slot] += 1
                guard fed[slot] >= opening.count, let w = wordInSlot[slot] else { continue }
                try probabilities(logProbabilities[(row * v)..<((row + 1) * v)], options: options, into: &weights)
                let token = Int32(generator.categorical(weights))
                if token != Vocabulary.boundary { words[w].append(token) }
                if token == Vocabulary.boundary || words[w].count == limit {
                    wordInSlot[slot] = nextWord < count ? nextWord : nil
                    nextWord += 1
                    fed[slot] = 0
                    decoder.reset(slot: slot)
                }
            }
        }
    }

    /// softmax(logp / temperature) restricted to the top k, unnormalised, into `weights`; throws
    /// unless they have a positive, finite sum.
    static func probabilities(_ logProbabilities: some Collection<Float>, options: SamplingOptions, into weights: inout [Float]) throws {
        var threshold = -Float.infinity
        if let k = options.topK, k < logProbabilities.count {
            threshold = logProbabilities.sorted(by: >)[max(k, 1) - 1]
        }
        let maximum = logProbabilities.max() ?? 0
        let t = Float(options.temperature)
        for (i, lp) in zip(weights.indices, logProbabilities) {
            weights[i] = lp < threshold || lp == -.infinity ? 0 : Foundation.exp((lp - maximum) / t)
        }
        let total = weights.reduce(0, +)
        guard total > 0 && total.isFinite else {
            throw MakemoreError.notANumber("the model's next-token probabilities are not numbers (NaN or overflow); its weights cannot be sampled")
        }
    }
}
