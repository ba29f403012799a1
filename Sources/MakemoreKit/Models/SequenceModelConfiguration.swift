/// The hyperparameters of makemore.py's `ModelConfig` that its RNN, GRU and bag-of-words models
/// use; encoded with its snake_case names.
public struct SequenceModelConfiguration: ModelConfiguration, Sendable, Equatable {
    /// Tokens in the vocabulary, boundary included.
    public var vocabularySize: Int
    /// Positions per sequence: the longest word + 1 (also the longest word sampling produces).
    public var blockSize: Int
    /// Channels of the token (and position) embeddings (`n_embd`).
    public var embedding: Int
    /// Channels of the recurrent state or of the bag-of-words block's MLP (`n_embd2`).
    public var hidden: Int

    /// A configuration; the defaults are makemore.py's (n_embd 64, n_embd2 64).
    public init(vocabularySize: Int, blockSize: Int, embedding: Int = 64, hidden: Int = 64) {
        self.vocabularySize = vocabularySize
        self.blockSize = blockSize
        self.embedding = embedding
        self.hidden = hidden
    }

    /// The range of each value, by checkpoint key; `validate` and the flags check against them.
    package enum Limits {
        package static let vocabularySize = Limit.vocabularySize("vocab_size")
        package static let blockSize = Limit.blockSize("block_size")
        package static let embedding = Limit.width("n_embd")
        package static let hidden = Limit.width("n_embd2")
    }

    /// The longest block size: position tables and attention stay bounded.
    package static var maximumBlockSize: Int { Limits.blockSize.range.upperBound }

    public func validate() throws {
        try Limits.vocabularySize.check(vocabularySize)
        try Limits.blockSize.check(blockSize)
        try Limits.embedding.check(embedding)
        try Limits.hidden.check(hidden)
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", blockSize = "block_size", embedding = "n_embd", hidden = "n_embd2"
    }
}
