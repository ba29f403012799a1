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

    /// The longest block size: position tables and attention stay bounded.
    public static let maximumBlockSize = 4096

    public func validate() throws {
        try requireValue(vocabularySize, in: 2...Int.max, key: "vocab_size", flag: "input")
        try requireValue(blockSize, in: 2...Self.maximumBlockSize, key: "block_size", flag: "block-size")
        try requireValue(embedding, in: 1...4096, key: "n_embd", flag: "embedding")
        try requireValue(hidden, in: 1...4096, key: "n_embd2", flag: "hidden")
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", blockSize = "block_size", embedding = "n_embd", hidden = "n_embd2"
    }
}
