/// What every stage's model offers the shared evaluator and sampler: next-token
/// log-probabilities, for whole words and one step at a time. A stage implements
/// `nextTokenLogProbabilities(words:)` (or a refinement below does) and inherits the rest.
public protocol LanguageModel {
    /// Tokens in the vocabulary, boundary included.
    var vocabularySize: Int { get }

    /// The most tokens a generated word may have (block size − 1 for sequence models), or nil.
    var maximumWordLength: Int? { get }

    /// For each word (tokens, no boundaries), the log-probabilities of the next token after each
    /// of its n + 1 prefixes `[.]`, `[., c1]`, …, `[., c1 … cn]`: rows of `vocabularySize`,
    /// word after word, `Σ(nᵢ + 1)` rows in all. Row `i` of a word scores its token `i + 1`
    /// (the boundary after the last character).
    func nextTokenLogProbabilities(words: [[Int32]]) -> [Float]

    /// The log-probabilities of the token after `prefix` (a word's first tokens, no boundary).
    func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float]

    /// A decoder with `capacity` empty slots, each holding up to `maximumWordLength + 1` tokens:
    /// what `Sampler.generate` grows words with.
    func makeBatchDecoder(capacity: Int) -> any BatchDecoder

    /// Words `Sampler.generate` grows side by side unless told otherwise: more than 1 where one
    /// step over many slots costs about as much as one step over a single one.
    var defaultSamplingBatchSize: Int { get }
}

extension LanguageModel {
    /// Default: the last row of the whole-word scoring of `prefix`.
    public func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        Array(nextTokenLogProbabilities(words: [prefix]).suffix(vocabularySize))
    }

    /// Default: each slot's sequence scored anew by `nextTokenLogProbabilities(after:)`.
    public func makeBatchDecoder(capacity: Int) -> any BatchDecoder { RescoringDecoder(model: self, capacity: capacity) }

    /// Default: one word at a time.
    public var defaultSamplingBatchSize: Int { 1 }
}

/// Sequences decoded side by side, one per slot. A slot starts empty: its first token is the
/// boundary, then the word's tokens. Results equal scoring each slot's tokens from scratch.
public protocol BatchDecoder: AnyObject {
    /// Appends `tokens[i]` to the sequence in slot `slots[i]` (distinct slots) and returns the
    /// log-probabilities of the token after each: `tokens.count` rows of `vocabularySize`.
    func append(_ tokens: [Int32], to slots: [Int]) -> [Float]

    /// Empties `slot` for a new sequence.
    func reset(slot: Int)
}

/// A model that sees a fixed window of the `contextLength` previous tokens (bigram, MLP,
/// WaveNet). It only scores windows; whole words and sampling come from `WindowExamples`.
public protocol WindowLanguageModel: LanguageModel {
    /// Tokens of context per prediction.
    var contextLength: Int { get }

    /// Log-probabilities (count, vocabularySize) of the next token for `contexts`, row-major
    /// (count, contextLength).
    func logProbabilities(contexts: [Int32]) -> [Float]
}

extension WindowLanguageModel {
    /// Window models have no length limit of their own.
    public var maximumWordLength: Int? { nil }

    /// Scores each word through its boundary-padded windows.
    public func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] {
        logProbabilities(contexts: WindowExamples(words: words, contextLength: contextLength).contexts)
    }

    /// Default: each slot's window kept and scored by `logProbabilities(contexts:)`, all the
    /// slots of a step in one call.
    public func makeBatchDecoder(capacity: Int) -> any BatchDecoder {
        WindowDecoder(contextLength: contextLength, capacity: capacity) { logProbabilities(contexts: $0) }
    }

    /// Scores the one window that ends `prefix`.
    public func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        let padding = max(0, contextLength - prefix.count)
        let window = [Int32](repeating: Vocabulary.boundary, count: padding) + prefix.suffix(contextLength - padding)
        return logProbabilities(contexts: window)
    }
}
