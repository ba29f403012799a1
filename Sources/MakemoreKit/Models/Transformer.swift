/// The hyperparameters of a `Transformer`; encoded with makemore.py's snake_case names.
/// `positions` and `activation`, which makemore.py does not have, are written only when they
/// differ from its learned positions and GELU, and read as those when absent: the configuration
/// of a makemore.py model stays makemore.py's, and files written before the two fields existed
/// read as what they are.
public struct TransformerConfiguration: ModelConfiguration, Sendable, Equatable {
    /// How positions enter the residual stream.
    public enum Positions: String, Codable, CaseIterable, Sendable {
        /// A trained (blockSize, C) table, `transformer.wpe` (makemore.py's).
        case learned
        /// The fixed sin/cos table (`PositionEncoding.sinusoidalTable`): no parameters.
        case sinusoidal
    }

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
    /// Learned (makemore.py's) or sinusoidal positions.
    public var positions: Positions
    /// The non-linearity of each block's MLP: GELU (makemore.py's) or ReLU.
    public var activation: MLPBlock.Activation

    /// A configuration; the defaults are makemore.py's (4 layers, 4 heads, 64 channels, no
    /// dropout, learned positions, GELU).
    public init(vocabularySize: Int, blockSize: Int, layers: Int = 4, heads: Int = 4, embedding: Int = 64, dropout: Double = 0,
                positions: Positions = .learned, activation: MLPBlock.Activation = .gelu) {
        self.vocabularySize = vocabularySize
        self.blockSize = blockSize
        self.layers = layers
        self.heads = heads
        self.embedding = embedding
        self.dropout = dropout
        self.positions = positions
        self.activation = activation
    }

    /// The range of each value, by checkpoint key; `validate` and the flags check against them.
    /// The block size is bounded by what attention dropout's mask hash covers too.
    package enum Limits {
        package static let vocabularySize = Limit.vocabularySize("vocab_size")
        package static let blockSize = Limit("block_size", 2...min(Limit.blockSize("").range.upperBound, AttentionDropout.maximumLength))
        package static let layers = Limit.count64("n_layer")
        package static let heads = Limit.count64("n_head")
        package static let embedding = Limit.width("n_embd")
        package static let dropout = Limit<Double>("dropout", 0...0.9)
    }

    public func validate() throws {
        try Limits.vocabularySize.check(vocabularySize)
        try Limits.blockSize.check(blockSize)
        try Limits.layers.check(layers)
        try Limits.heads.check(heads)
        try Limits.embedding.check(embedding)
        try Self.checkHeads(embedding: embedding, heads: heads)
        try Limits.dropout.check(dropout)
    }

    /// Throws unless `embedding` channels split evenly into `heads` heads (the one statement
    /// of this rule).
    package static func checkHeads(embedding: Int, heads: Int) throws {
        guard heads > 0, embedding % heads == 0 else {
            throw MakemoreError.invalidValue(name: Limits.embedding.name, rule: "divisible by the number of heads (\(heads))", value: "\(embedding)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", blockSize = "block_size", layers = "n_layer", heads = "n_head"
        case embedding = "n_embd", dropout, positions, activation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try container.decode(Int.self, forKey: .vocabularySize),
                  blockSize: try container.decode(Int.self, forKey: .blockSize),
                  layers: try container.decode(Int.self, forKey: .layers),
                  heads: try container.decode(Int.self, forKey: .heads),
                  embedding: try container.decode(Int.self, forKey: .embedding),
                  dropout: try container.decode(Double.self, forKey: .dropout),
                  positions: try container.decodeIfPresent(Positions.self, forKey: .positions) ?? .learned,
                  activation: try container.decodeIfPresent(MLPBlock.Activation.self, forKey: .activation) ?? .gelu)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(vocabularySize, forKey: .vocabularySize)
        try container.encode(blockSize, forKey: .blockSize)
        try container.encode(layers, forKey: .layers)
        try container.encode(heads, forKey: .heads)
        try container.encode(embedding, forKey: .embedding)
        try container.encode(dropout, forKey: .dropout)
        if positions != .learned { try container.encode(positions, forKey: .positions) }
        if activation != .gelu { try container.encode(activation, forKey: .activation) }
    }
}

/// Stage 4: the GPT-style transformer of makemore.py. Token plus position embedding (learned,
/// or the fixed sinusoidal table), `layers` pre-norm blocks (causal self-attention, then a GELU
/// or ReLU MLP), a final LayerNorm and a bias-free `lm_head`. Parameter names are makemore.py's
/// state-dict keys; sinusoidal positions have none (no `transformer.wpe.weight`).
///
/// Sequences run packed (`PackedSequences`): rows of all words back to back, attention kept
/// within each word, so no work is spent on padding. Sampling runs the same forward pass over a
/// key/value cache, one new position per word, for a whole batch of words at once.
package final class Transformer: IncrementalModel {
    /// The hyperparameters.
    package let configuration: TransformerConfiguration
    /// `transformer.wte`: (V, C).
    package let tokenEmbedding: Embedding
    /// `transformer.wpe`, (blockSize, C), when positions are learned; else the sinusoidal table.
    package let positionEncoding: PositionEncoding
    /// `transformer.drop`, on the embeddings.
    package let dropout: Dropout
    /// `transformer.h`.
    package let blocks: [TransformerBlock]
    /// `transformer.ln_f`.
    package let finalNorm: LayerNorm
    /// `lm_head`: C → V, no bias.
    package let head: Linear

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order;
    /// every dropout layer draws from one stream seeded by `generator`.
    package init(configuration c: TransformerConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        let masks = (probability: Float(c.dropout), stream: RandomStream(seed: generator.next()))
        dropout = Dropout(probability: masks.probability, stream: masks.stream)
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        positionEncoding = switch c.positions {
        case .learned: .learned(Embedding(count: c.blockSize, dimensions: c.embedding, using: &generator))
        case .sinusoidal: .sinusoidal(PositionEncoding.sinusoidalTable(positions: c.blockSize, channels: c.embedding))
        }
        var blocks: [TransformerBlock] = []
        for _ in 0..<c.layers {
            blocks.append(TransformerBlock(channels: c.embedding, heads: c.heads, blockSize: c.blockSize, activation: c.activation,
                                           dropout: masks, using: &generator))
        }
        self.blocks = blocks
        finalNorm = LayerNorm(channels: c.embedding)
        head = Linear(inputCount: c.embedding, outputCount: c.vocabularySize, bias: false, using: &generator)
    }

    package var vocabularySize: Int { configuration.vocabularySize }
    package var maximumWordLength: Int? { configuration.blockSize - 1 }
    /// A step over 256 cached words costs little more than over one.
    package var defaultSamplingBatchSize: Int { 256 }

    package var children: ModuleChildren {
        var embeddings: ModuleChildren = [("transformer.wte", tokenEmbedding)]
        if case .learned(let table) = positionEncoding { embeddings.append(("transformer.wpe", table)) }
        return embeddings + [("transformer.drop", dropout)]
            + blocks.enumerated().map { ("transformer.h.\($0.offset)", $0.element) }
            + [("transformer.ln_f", finalNorm), ("lm_head", head)]
    }

    /// batch (N rows) → logits (N, V), in the current mode (dropout while training)
    package func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        return forward(batch.inputs, positions: batch.positions, .packed(sequenceStarts: batch.starts))
    }

    /// Keys and values of `capacity` sequences of up to `blockSize` positions.
    package func makeDecodingState(capacity: Int) -> KeyValueCache {
        KeyValueCache(capacity: capacity, configuration: configuration)
    }

    /// The same forward pass over the next position of each of `slots`, attending to the cached
    /// keys and values of the earlier ones: logits (R, V).
    package func logits(appending tokens: [Int32], to slots: [Int], in cache: KeyValueCache) -> Tensor {
        precondition(tokens.count == slots.count, "one token per slot")
        let positions = cache.positions.advance(slots)
        return forward(tokens, positions: positions.map { Int32($0) }, .cached(cache, slots: slots, positions: positions))
    }

    /// How the rows of a forward pass are arranged: whole packed sequences, or one new position
    /// per slot of a key/value cache.
    enum Rows {
        case packed(sequenceStarts: [Int])
        case cached(KeyValueCache, slots: [Int], positions: [Int])

        /// What block `layer`'s attention sees.
        func attention(layer: Int) -> AttentionRows {
            switch self {
            case .packed(let sequenceStarts): .packed(sequenceStarts: sequenceStarts)
            case .cached(let cache, let slots, let positions): .cached(cache.layers[layer], slots: slots, positions: positions)
            }
        }
    }

    /// The one forward pass: tokens (N) at positions (N), arranged as `rows` says → logits (N, V);
    /// `beforeBlock` sees each block's input (N, C), for looking inside.
    func forward(_ tokens: [Int32], positions: [Int32], _ rows: Rows, beforeBlock: ((_ layer: Int, _ x: Tensor) -> Void)? = nil) -> Tensor {
        let n = tokens.count
        var x = dropout(tokenEmbedding(tokens, shape: [n]) + positionEncoding(positions, shape: [n]))  // (N, C)
        for (layer, block) in blocks.enumerated() {
            beforeBlock?(layer, x)
            x = block(x, rows.attention(layer: layer))
        }
        return head(finalNorm(x))  // (N, V)
    }
}

/// The transformer's decoding state: per block, the q, k, v rows of every position fed so far
/// of each slot, so a new token costs one position instead of a pass over the whole prefix.
package final class KeyValueCache: SlotState {
    /// Per block (capacity, blockSize, 3C): slot s, position t holds that position's q, k, v.
    let layers: [Tensor]
    /// Positions filled per slot.
    var positions: SlotPositions

    init(capacity: Int, configuration c: TransformerConfiguration) {
        positions = SlotPositions(capacity: capacity, blockSize: c.blockSize)
        layers = (0..<c.layers).map { _ in Tensor.zeros(shape: [capacity, c.blockSize, 3 * c.embedding]) }
    }

    package func reset(slot: Int) { positions.reset(slot: slot) }
}

extension Transformer: TrainableModel {
    package static let kind = "transformer"
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension Transformer {
    package static func activationElementsPerRow(configuration c: TransformerConfiguration, vocabularySize v: Int) -> Double {
        // Per block: norms, q/k/v, attention output, residuals and the 4C expansion (about 16C),
        // plus one attention row of up to T keys per head.
        let perBlock = 16 * Double(c.embedding) + Double(c.blockSize) * Double(c.heads)
        return 3 * (Double(c.layers) * perBlock + 4 * Double(c.embedding) + 2 * Double(v))
    }
}
