import Foundation

/// Stage 1: the count-based bigram, the closed-form maximum-likelihood model of
/// p(next | previous) with additive smoothing:
/// `p(j | i) = (N[i, j] + s) / (Σₖ N[i, k] + V·s)`.
///
/// With `s = 0` an unseen pair has probability 0 (log-probability −∞), so a split containing
/// one has NLL +∞ — reported as such, never a crash.
package struct CountBigram: WindowLanguageModel, CheckpointableModel, Sendable {
    /// The smoothing is the count model's only hyperparameter.
    package struct Configuration: CheckableConfiguration, Sendable {
        package var smoothing: Double

        /// The smoothing's range.
        package static let smoothingLimit = Limit<Double>("smoothing", 0...1e9)

        package func validate() throws { try Self.smoothingLimit.check(smoothing) }
    }

    package static let kind = "bigram"
    package var configuration: Configuration { Configuration(smoothing: smoothing) }

    /// Vocabulary size V.
    package let vocabularySize: Int
    /// The additive smoothing `s` (pseudo-count added to every pair).
    package let smoothing: Double
    /// Pair counts N, row-major (V, V): `counts[i * V + j]` = how often token j follows token i.
    package let counts: [Int]
    /// ln p(j | i), row-major (V, V).
    package let logProbabilityTable: [Float]

    /// A bigram is one token of context.
    package var contextLength: Int { 1 }

    /// Counts the pairs of `words` (each framed by boundaries) and normalises the rows.
    package init(words: [[Int32]], vocabularySize v: Int, smoothing: Double) {
        var counts = [Int](repeating: 0, count: v * v)
        for word in words {
            var previous = Vocabulary.boundary
            for token in word + [Vocabulary.boundary] {
                counts[Int(previous) * v + Int(token)] += 1
                previous = token
            }
        }
        self.init(counts: counts, vocabularySize: v, smoothing: smoothing)
    }

    /// The model of the given (V, V) pair counts.
    package init(counts: [Int], vocabularySize v: Int, smoothing: Double) {
        precondition(smoothing >= 0 && counts.count == v * v)
        vocabularySize = v
        self.smoothing = smoothing
        self.counts = counts
        var table = [Float](repeating: 0, count: v * v)
        for i in 0..<v {
            let rowTotal = Double(counts[(i * v)..<((i + 1) * v)].reduce(0, +)) + Double(v) * smoothing
            for j in 0..<v {
                let numerator = Double(counts[i * v + j]) + smoothing
                table[i * v + j] = rowTotal > 0 ? Float(Foundation.log(numerator / rowTotal)) : -Float(Foundation.log(Double(v)))
            }
        }
        logProbabilityTable = table
    }

    /// The table rows of the contexts' tokens.
    package func logProbabilities(contexts: [Int32]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(contexts.count * vocabularySize)
        for token in contexts {
            let row = Int(token) * vocabularySize
            out.append(contentsOf: logProbabilityTable[row..<(row + vocabularySize)])
        }
        return out
    }

    /// The counts as one (V, V) tensor named `counts` (exact as F32 up to 2²⁴).
    package func stateTensors() -> [StateTensor] {
        [StateTensor(name: "counts", shape: [vocabularySize, vocabularySize], values: counts.map(Float.init))]
    }

    /// The model of the stored counts.
    package static func restore(configuration: Configuration, vocabularySize v: Int, from state: [StateTensor], source: String) throws -> CountBigram {
        guard let stored = state.first, stored.name == "counts", state.count == 1 else {
            throw MakemoreError.file(path: source, reason: "a bigram checkpoint holds exactly one tensor, 'counts'")
        }
        guard stored.shape == [v, v] else { throw MakemoreError.file(path: source, reason: "'counts' has shape \(stored.shape), the vocabulary needs [\(v), \(v)]") }
        guard stored.values.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 16_777_216 }) else {
            throw MakemoreError.file(path: source, reason: "'counts' must hold non-negative whole numbers")
        }
        try MakemoreError.within(file: source) { try configuration.validate() }
        return CountBigram(counts: stored.values.map { Int($0) }, vocabularySize: v, smoothing: configuration.smoothing)
    }

    /// The `limit` most frequent pairs, most frequent first: (previous, next, count).
    package func topPairs(_ limit: Int) -> [(previous: Int32, next: Int32, count: Int)] {
        counts.indices
            .filter { counts[$0] > 0 }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .prefix(limit)
            .map { (Int32($0 / vocabularySize), Int32($0 % vocabularySize), counts[$0]) }
    }
}

/// The counts table (V, V) is the whole state; a row of a batch keeps one row of V values.
extension CountBigram {
    package static func stateElementCount(configuration: Configuration, vocabularySize v: Int) -> Double { Double(v) * Double(v) }
    package static func activationElementsPerRow(configuration: Configuration, vocabularySize v: Int) -> Double { Double(v) }
}
