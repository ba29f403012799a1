/// The hyperparameters of a `Transformer`; encoded with makemore.py's snake_case names.
public struct TransformerConfiguration: ModelConfiguration, Sendable, Equatable {
    /// Tokens in the vocabulary, boundary included.
    public var vocabularySize: Int
    /// Positions per sequence: the longest word + 1.
    public var blockSize: Int
    /// Transformer blocks.
    public var layers: Int
    /// Attention heads per block (the embedding must split evenly).
    public var heads: Int
    /// Channels of the residual stream.
    public var embedding: Int
    /// Dropout probability while training, nanoGPT's: on the embeddings, the attention
    /// probabilities and each residual branch.
    public var dropout: Double

    /// A configuration; the defaults are makemore.py's (4 layers, 4 heads, 64 channels, no dropout).
    public init(vocabularySize: Int, blockSize: Int, layers: Int = 4, heads: Int = 4, embedding: Int = 64, dropout: Double = 0) {
        self.vocabularySize = vocabularySize
        self.blockSize = blockSize
        self.layers = layers
        self.heads = heads
        self.embedding = embedding
        self.dropout = dropout
    }

    /// The block size is bounded by what attention dropout's mask hash covers.
    public func validate() throws {
        try requireValue(vocabularySize, in: 2...Int.max, key: "vocab_size", flag: "input")
        try requireValue(blockSize, in: 2...min(SequenceModelConfiguration.maximumBlockSize, AttentionDropout.maximumLength), key: "block_size", flag: "block-size")
        try requireValue(layers, in: 1...64, key: "n_layer", flag: "layers")
        try requireValue(heads, in: 1...64, key: "n_head", flag: "heads")
        try requireValue(embedding, in: 1...4096, key: "n_embd", flag: "embedding")
        guard embedding % heads == 0 else { throw MakemoreError("n_embd (--embedding) \(embedding) must be divisible by n_head (--heads) \(heads)") }
        try requireValue(dropout, in: 0...0.9, key: "dropout", flag: "dropout")
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", blockSize = "block_size", layers = "n_layer", heads = "n_head"
        case embedding = "n_embd", dropout
    }
}

/// Stage 4: the GPT-style transformer of makemore.py. Token plus learned position embedding,
/// `layers` pre-norm blocks (causal self-attention, then a GELU MLP), a final LayerNorm and a
/// bias-free `lm_head`. Parameter names are makemore.py's state-dict keys.
///
/// Sequences run packed (`PackedSequences`): rows of all words back to back, attention kept
/// within each word, so no work is spent on padding. Sampling uses a key/value cache, one new
/// position per generated token, for a whole batch of words at once.
public final class Transformer: Module, PackedSequenceModel, BatchDecodingModel {
    /// The hyperparameters.
    public let configuration: TransformerConfiguration
    /// `transformer.wte`: (V, C).
    public let tokenEmbedding: Embedding
    /// `transformer.wpe`: (blockSize, C).
    public let positionEmbedding: Embedding
    /// `transformer.h`.
    public let blocks: [TransformerBlock]
    /// `transformer.ln_f`.
    public let finalNorm: LayerNorm
    /// `lm_head`: C → V, no bias.
    public let head: Linear
    let dropout: Dropout
    /// makemore.py's `attn.bias` buffer, (1, 1, T, T) lower-triangular ones: the causal mask
    /// PyTorch keeps in the state dict. Written so `load_state_dict` (strict) accepts our files;
    /// the fused attention is causal by construction and never reads it.
    let causalMask: Tensor
    /// The one-sequence cache behind `nextTokenLogProbabilities(after:)`.
    private lazy var decoder = TransformerDecoder(model: self, capacity: 1)

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    public init(configuration c: TransformerConfiguration, using generator: inout RandomGenerator) {
        precondition(c.embedding % c.heads == 0, "embedding \(c.embedding) does not split into \(c.heads) heads")
        configuration = c
        dropout = Dropout(probability: Float(c.dropout), seed: generator.next())
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        positionEmbedding = Embedding(count: c.blockSize, dimensions: c.embedding, using: &generator)
        var blocks: [TransformerBlock] = []
        for _ in 0..<c.layers {
            blocks.append(TransformerBlock(channels: c.embedding, heads: c.heads, dropout: dropout, using: &generator))
        }
        self.blocks = blocks
        finalNorm = LayerNorm(channels: c.embedding)
        head = Linear(inputCount: c.embedding, outputCount: c.vocabularySize, bias: false, using: &generator)
        let t = c.blockSize
        causalMask = Tensor(shape: [1, 1, t, t], values: (0..<(t * t)).map { $0 % t <= $0 / t ? 1 : 0 })
    }

    public var vocabularySize: Int { configuration.vocabularySize }
    public var maximumWordLength: Int? { configuration.blockSize - 1 }

    /// batch (N rows) → logits (N, V), in the current mode (dropout while training)
    public func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        let n = batch.rows
        var x = tokenEmbedding(batch.inputs, shape: [n]) + positionEmbedding(batch.positions, shape: [n])  // (N, C)
        x = dropout(x)
        for block in blocks { x = block(x, sequenceStarts: batch.starts) }
        return head(finalNorm(x))  // (N, V)
    }

    /// Runs `body` in evaluation mode (no dropout) without recording a graph.
    public func evaluating<R>(_ body: () -> R) -> R { dropout.evaluating(body) }

    /// Through the key/value cache: when `prefix` extends the previous call's prefix (as it does
    /// while sampling a word), only the new positions are computed. Not thread-safe; the
    /// parameters must not change between calls whose prefixes extend one another.
    public func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        decoder.logProbabilities(after: prefix)
    }

    /// A key/value cache for `capacity` words, in evaluation mode whatever the model's mode. The
    /// parameters must not change while it is in use.
    public func makeBatchDecoder(capacity: Int) -> any BatchDecoder {
        TransformerDecoder(model: self, capacity: capacity)
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("transformer.wte", tokenEmbedding.namedParameters())
            + prefixed("transformer.wpe", positionEmbedding.namedParameters())
            + blocks.enumerated().flatMap { prefixed("transformer.h.\($0.offset)", $0.element.namedParameters()) }
            + prefixed("transformer.ln_f", finalNorm.namedParameters())
            + prefixed("lm_head", head.namedParameters())
    }

    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        blocks.indices.map { ("transformer.h.\($0).attn.bias", causalMask) }
    }

    public func setTraining(_ training: Bool) { dropout.setTraining(training) }
}

/// Incremental decoding with a key/value cache for `capacity` sequences (slots): per block, the
/// q, k, v rows of every slot's positions so far, so a new token costs one position instead of
/// a pass over the whole prefix, and the new positions of all slots go through each layer as
/// one batch of rows. It holds the model's layers, not the model (which keeps a decoder itself).
final class TransformerDecoder: BatchDecoder {
    private let tokenEmbedding: Embedding, positionEmbedding: Embedding
    private let blocks: [TransformerBlock]
    private let finalNorm: LayerNorm, head: Linear
    private let dropout: Dropout
    /// Per block (capacity, blockSize, 3C): slot s, position t holds that position's q, k, v.
    private let caches: [Tensor]
    /// The tokens fed to each slot so far, boundary first.
    private var tokens: [[Int32]]

    init(model: Transformer, capacity: Int) {
        precondition(capacity > 0, "a decoder needs at least one slot")
        let c = model.configuration
        tokenEmbedding = model.tokenEmbedding
        positionEmbedding = model.positionEmbedding
        blocks = model.blocks
        finalNorm = model.finalNorm
        head = model.head
        dropout = model.dropout
        caches = (0..<c.layers).map { _ in Tensor.zeros(shape: [capacity, c.blockSize, 3 * c.embedding]) }
        tokens = Array(repeating: [], count: capacity)
    }

    func reset(slot: Int) { tokens[slot].removeAll(keepingCapacity: true) }

    func append(_ tokens: [Int32], to slots: [Int]) -> [Float] {
        precondition(tokens.count == slots.count && Set(slots).count == slots.count, "one token for each of distinct slots")
        let blockSize = caches[0].shape[1], width = caches[0].shape[2]
        let positions = slots.map { self.tokens[$0].count }
        precondition(positions.allSatisfy { $0 < blockSize }, "a sequence would exceed the block size \(blockSize)")
        for (token, slot) in zip(tokens, slots) { self.tokens[slot].append(token) }
        let r = tokens.count
        return dropout.evaluating {
            var x = tokenEmbedding(tokens, shape: [r]) + positionEmbedding(positions.map { Int32($0) }, shape: [r])  // (R, C)
            for (block, cache) in zip(blocks, caches) {
                let qkv = block.attention.attention(block.attentionNorm(x))  // (R, 3C)
                for i in 0..<r {
                    (cache.data + (slots[i] * blockSize + positions[i]) * width).update(from: qkv.data + i * width, count: width)
                }
                let y = causalSelfAttentionLastRows(cache: cache, slots: slots, positions: positions, heads: block.attention.heads)  // (R, C)
                x = x + block.attention.projection(y)
                x = x + block.mlp(block.mlpNorm(x))
            }
            return head(finalNorm(x)).logSoftmax().values  // (R, V)
        }
    }

    /// The log-probabilities after `[boundary] + prefix`, in slot 0. When `prefix` extends the
    /// previous call's prefix, the cached positions are kept and only the new ones computed;
    /// otherwise the slot starts over (so a new word, or the same prefix asked again after the
    /// parameters changed, never sees stale keys and values).
    func logProbabilities(after prefix: [Int32]) -> [Float] {
        let wanted = [Vocabulary.boundary] + prefix
        precondition(wanted.count <= caches[0].shape[1], "prefix of \(prefix.count) tokens exceeds the block size")
        if !(wanted.count > tokens[0].count && wanted.starts(with: tokens[0])) { reset(slot: 0) }
        var logProbabilities: [Float] = []
        for token in wanted[tokens[0].count...] { logProbabilities = append([token], to: [0]) }
        return logProbabilities
    }
}

extension Transformer: TrainableModel {
    public static let kind = "transformer"
}
