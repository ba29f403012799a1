/// makemore.py's causal bag-of-words model. Token plus position embedding, one
/// `BoWBlock` (each position adds the uniform average of the positions up to itself, then a
/// tanh MLP with a residual) and a linear head with bias. Parameter names are makemore.py's
/// state-dict keys.
///
/// Batches run packed (`PackedSequences`): the average stays within each word, so no work is
/// spent on padding. Sampling keeps the running sum of the prefix's embeddings, so a new token
/// costs one position.
public final class BagOfWords: Module, PackedSequenceModel {
    /// The hyperparameters.
    public let configuration: SequenceModelConfiguration
    /// `wte`: (V, C).
    public let tokenEmbedding: Embedding
    /// `wpe`: (blockSize, C).
    public let positionEmbedding: Embedding
    /// `context_block`.
    public let block: BoWBlock
    /// `lm_head`: C → V, with bias.
    public let head: Linear
    private lazy var decoder = BagOfWordsDecoder(model: self)

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    public init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) {
        configuration = c
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        positionEmbedding = Embedding(count: c.blockSize, dimensions: c.embedding, using: &generator)
        block = BoWBlock(channels: c.embedding, hidden: c.hidden, blockSize: c.blockSize, using: &generator)
        head = Linear(inputCount: c.embedding, outputCount: c.vocabularySize, using: &generator)
    }

    public var vocabularySize: Int { configuration.vocabularySize }
    public var maximumWordLength: Int? { configuration.blockSize - 1 }

    /// batch (N rows) → logits (N, V)
    public func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        let n = batch.rows
        let x = tokenEmbedding(batch.inputs, shape: [n]) + positionEmbedding(batch.positions, shape: [n])  // (N, C)
        return head(block(x, sequenceStarts: batch.starts))  // (N, V)
    }

    /// Through the kept running sum: when `prefix` extends the previous call's prefix, only the
    /// new positions are computed. Not thread-safe; the parameters must not change between
    /// calls whose prefixes extend one another.
    public func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        Tensor.withoutGradient { decoder.logProbabilities(after: prefix) }
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("wte", tokenEmbedding.namedParameters()) + prefixed("wpe", positionEmbedding.namedParameters())
            + prefixed("context_block", block.namedParameters()) + prefixed("lm_head", head.namedParameters())
    }

    public func namedBuffers() -> [(name: String, tensor: Tensor)] { prefixed("context_block", block.namedBuffers()) }
}

/// Incremental decoding: the sum of the embeddings (token + position) fed so far.
final class BagOfWordsDecoder {
    private unowned let model: BagOfWords
    /// The tokens fed so far, boundary first.
    private var tokens: [Int32] = []
    /// Σ over the fed positions of wte[token] + wpe[position]: (C).
    private var sum: [Float]

    init(model: BagOfWords) {
        self.model = model
        sum = [Float](repeating: 0, count: model.configuration.embedding)
    }

    /// The log-probabilities after `[boundary] + prefix`, computing only positions not fed yet
    /// when `prefix` extends the previous call's prefix.
    func logProbabilities(after prefix: [Int32]) -> [Float] {
        let wanted = [Vocabulary.boundary] + prefix
        precondition(wanted.count <= model.configuration.blockSize, "prefix of \(prefix.count) tokens exceeds the block size")
        if !(wanted.count > tokens.count && wanted.starts(with: tokens)) {
            tokens.removeAll(keepingCapacity: true)
            for c in sum.indices { sum[c] = 0 }
        }
        var x: [Float] = []
        for token in wanted[tokens.count...] {
            let t = tokens.count
            tokens.append(token)
            let e = (model.tokenEmbedding([token], shape: [1]) + model.positionEmbedding([Int32(t)], shape: [1])).values
            for c in sum.indices { sum[c] += e[c] }
            x = zip(e, sum).map { $0 + $1 / Float(t + 1) }  // x + cbow(x) at position t
        }
        let row = Tensor(shape: [1, x.count], values: x)
        return model.head(model.block.feedForward(row)).logSoftmax().values
    }
}

extension BagOfWords: TrainableModel {
    public static let kind = "bow"
}
