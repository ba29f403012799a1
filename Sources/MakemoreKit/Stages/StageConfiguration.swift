/// Which stage to build and its model's hyperparameters: the typed, `Codable` description a
/// `Stage` is made from. The vocabulary size is always taken from the data, and a sequence
/// model's block size of 0 means "the longest word + 1".
public enum StageConfiguration: Codable, Equatable, Sendable {
    /// Counts with additive `smoothing` (a pseudo-count added to every pair).
    case bigram(smoothing: Double = 1)
    /// One V×V weight matrix; `l2` adds l2·mean(W²) to the training loss.
    case neuralBigram(l2: Double = 0.01)
    case mlp(MLPConfiguration)
    case wavenet(WaveNetConfiguration)
    case bow(SequenceModelConfiguration)
    case rnn(SequenceModelConfiguration)
    case gru(SequenceModelConfiguration)
    case transformer(TransformerConfiguration)
    /// makemore.py's MLP: `n_embd`, `n_embd2` and the block size (its context).
    case makemoreMLP(SequenceModelConfiguration)

    /// The range of the neural bigram's l2 penalty (the count bigram's smoothing is
    /// `CountBigram.Configuration.smoothingLimit`).
    public static let l2Limit = Limit<Double>("l2", 0...1e6)

    /// The neural bigram's l2 penalty (nil for the other stages).
    var l2: Double? {
        if case .neuralBigram(let l2) = self { l2 } else { nil }
    }

    /// The stage this configures.
    public var kind: StageKind {
        switch self {
        case .bigram: .bigram
        case .neuralBigram: .neuralBigram
        case .mlp: .mlp
        case .wavenet: .wavenet
        case .bow: .bow
        case .rnn: .rnn
        case .gru: .gru
        case .transformer: .transformer
        case .makemoreMLP: .makemoreMLP
        }
    }
}

extension MLPConfiguration {
    /// The lecture's configuration (context 3, embedding 10, one hidden block of 200 with
    /// BatchNorm) with `embeddingDimensions` of its own if given; the vocabulary size is set from
    /// the data.
    public init(embeddingDimensions: Int = 10) {
        self.init(vocabularySize: 0)
        self.embeddingDimensions = embeddingDimensions
    }
}

extension WaveNetConfiguration {
    /// The lecture's configuration (context 8, embedding 24, hidden 128, BatchNorm); the
    /// vocabulary size is set from the data.
    public init() { self.init(vocabularySize: 0) }
}

extension SequenceModelConfiguration {
    /// makemore.py's sizes; the vocabulary and the block size (0: longest word + 1) are set from
    /// the data.
    public init(embedding: Int = 64, hidden: Int = 64, blockSize: Int = 0) {
        self.init(vocabularySize: 0, blockSize: blockSize, embedding: embedding, hidden: hidden)
    }
}

extension TransformerConfiguration {
    /// makemore.py's sizes (4 layers, 4 heads, 64 channels, no dropout); the vocabulary and the
    /// block size (0: longest word + 1) are set from the data.
    public init(layers: Int = 4, heads: Int = 4, embedding: Int = 64, dropout: Double = 0, blockSize: Int = 0) {
        self.init(vocabularySize: 0, blockSize: blockSize, layers: layers, heads: heads, embedding: embedding, dropout: dropout)
    }
}
