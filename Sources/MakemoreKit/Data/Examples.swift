/// Fixed-context training examples: every word of n tokens gives n + 1 pairs of
/// (the `contextLength` previous tokens, the next token), padded with the boundary token.
///
/// For "emma" with context 3: `...→e`, `..e→m`, `.em→m`, `emm→a`, `mma→.`.
/// The bigram uses context 1, the MLP context 3, WaveNet context 8.
package struct WindowExamples: Sendable {
    /// Tokens of context per example.
    package let contextLength: Int
    /// Contexts, row-major: (count, contextLength).
    package private(set) var contexts: [Int32]
    /// The token that follows each context: (count).
    package private(set) var targets: [Int32]

    /// Number of examples.
    package var count: Int { targets.count }

    /// The examples of `words` (token sequences without boundaries).
    package init(words: [[Int32]], contextLength: Int) {
        precondition(contextLength >= 1)
        self.contextLength = contextLength
        let total = words.reduce(0) { $0 + $1.count + 1 }
        var contexts = [Int32](); contexts.reserveCapacity(total * contextLength)
        var targets = [Int32](); targets.reserveCapacity(total)
        var window = [Int32](repeating: Vocabulary.boundary, count: contextLength)
        for word in words {
            for i in window.indices { window[i] = Vocabulary.boundary }
            for token in word + [Vocabulary.boundary] {
                contexts.append(contentsOf: window)
                targets.append(token)
                window.removeFirst()
                window.append(token)
            }
        }
        self.contexts = contexts
        self.targets = targets
    }

    /// Fills `contexts` (size, contextLength) and `targets` (size) with the examples `sampler`
    /// draws (over this set's `count` rows); the buffers, `rows` among them, are reused.
    ///
    /// The rows are all drawn before any is read: drawn at random from a set larger than the
    /// caches, each read is likely a miss, and reads that do not wait on the next draw overlap.
    package func sampleBatch(
        size: Int, from sampler: inout BatchSampler, using generator: inout RandomGenerator,
        rows: inout [Int], contexts batchContexts: inout [Int32], targets batchTargets: inout [Int32]
    ) {
        precondition(sampler.count == count, "the sampler draws from \(sampler.count) rows, the set has \(count)")
        rows.removeAll(keepingCapacity: true)
        for _ in 0..<size { rows.append(sampler.next(using: &generator)) }
        let k = contextLength
        if batchTargets.count != size { batchTargets = [Int32](repeating: 0, count: size) }
        if batchContexts.count != size * k { batchContexts = [Int32](repeating: 0, count: size * k) }
        for (i, row) in rows.enumerated() { batchTargets[i] = targets[row] }
        for (i, row) in rows.enumerated() {
            for j in 0..<k { batchContexts[i * k + j] = contexts[row * k + j] }
        }
    }
}

/// Whole-word training examples for sequence models (transformer, RNN, GRU, bag-of-words):
/// input `[boundary, c1 … cn]`, target `[c1 … cn, boundary]`, padded to `blockSize` with
/// boundary inputs and `ignoreIndex` targets that the loss skips.
package struct SequenceExamples: Sendable {
    /// The target that marks a padded position.
    package static let ignoreIndex: Int32 = -1
    /// Positions per sequence.
    package let blockSize: Int
    /// Inputs, row-major: (count, blockSize).
    package private(set) var inputs: [Int32]
    /// Targets, row-major: (count, blockSize); `ignoreIndex` after the word's end.
    package private(set) var targets: [Int32]
    /// Number of sequences.
    package let count: Int

    /// The sequences of `words`; throws if a word does not fit (needs n + 1 ≤ blockSize).
    package init(words: [[Int32]], blockSize: Int) throws {
        self.blockSize = blockSize
        count = words.count
        var inputs = [Int32](repeating: Vocabulary.boundary, count: words.count * blockSize)
        var targets = [Int32](repeating: SequenceExamples.ignoreIndex, count: words.count * blockSize)
        for (w, word) in words.enumerated() {
            guard word.count + 1 <= blockSize else {
                throw MakemoreError.mismatch("a word of \(word.count) characters does not fit block size \(blockSize) (needs \(word.count + 1))")
            }
            let base = w * blockSize
            for (i, token) in word.enumerated() {
                inputs[base + i + 1] = token
                targets[base + i] = token
            }
            targets[base + word.count] = Vocabulary.boundary
        }
        self.inputs = inputs
        self.targets = targets
    }

    /// Fills `inputs` and `targets` (size, blockSize) with the sequences `sampler` draws (over
    /// this set's `count` rows); the buffers are reused.
    package func sampleBatch(
        size: Int, from sampler: inout BatchSampler, using generator: inout RandomGenerator,
        inputs batchInputs: inout [Int32], targets batchTargets: inout [Int32]
    ) {
        precondition(sampler.count == count, "the sampler draws from \(sampler.count) rows, the set has \(count)")
        batchInputs.removeAll(keepingCapacity: true)
        batchTargets.removeAll(keepingCapacity: true)
        for _ in 0..<size {
            let row = sampler.next(using: &generator)
            batchInputs.append(contentsOf: inputs[(row * blockSize)..<((row + 1) * blockSize)])
            batchTargets.append(contentsOf: targets[(row * blockSize)..<((row + 1) * blockSize)])
        }
    }
}
