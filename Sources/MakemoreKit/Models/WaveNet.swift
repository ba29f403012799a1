/// The hyperparameters of the hierarchical MLP of lecture 5 ("WaveNet", stage 4).
public struct WaveNetConfiguration: ModelConfiguration, Equatable, Sendable {
    /// Tokens in the vocabulary, boundary included.
    public var vocabularySize: Int
    /// Previous tokens seen per prediction: a power of two, 2 or more; log₂ of it is the
    /// number of levels.
    public var contextLength = 8
    /// Dimensions of each token's embedding.
    public var embeddingDimensions = 24
    /// Width of every level's output.
    public var hiddenSize = 128
    /// Whether each level's Linear (then without bias) is followed by a BatchNorm1d.
    public var batchNorm = true
    /// How far BatchNorm's running statistics move towards each batch's (PyTorch's 0.1).
    public var batchNormMomentum: Float = 0.1

    /// The lecture's configuration over `vocabularySize` tokens.
    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    /// The range of each value, by checkpoint key; `validate` and the flags check against them.
    package enum Limits {
        package static let vocabularySize = Limit.vocabularySize("vocabulary_size")
        package static let contextLength = Limit("context_length", 2...1024)
        package static let embeddingDimensions = Limit.width("embedding_dimensions")
        package static let hiddenSize = Limit.hiddenWidth("hidden_size")
        package static let batchNormMomentum = Limit<Float>("batch_norm_momentum", 0...1)
    }

    public func validate() throws {
        try Limits.vocabularySize.check(vocabularySize)
        try Limits.contextLength.check(contextLength)
        guard WaveNetConfiguration.isValidContextLength(contextLength) else {
            throw MakemoreError.invalidValue(name: "context_length", rule: "a power of two (2, 4, 8, 16, …)", value: "\(contextLength)")
        }
        try Limits.embeddingDimensions.check(embeddingDimensions)
        try Limits.hiddenSize.check(hiddenSize)
        try Limits.batchNormMomentum.check(batchNormMomentum)
    }

    /// Levels of pairwise merging: log₂(contextLength).
    package var levels: Int { contextLength.trailingZeroBitCount }

    /// Whether `contextLength` is a power of two, 2 or more.
    package static func isValidContextLength(_ k: Int) -> Bool { k >= 2 && k & (k - 1) == 0 }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocabulary_size", contextLength = "context_length"
        case embeddingDimensions = "embedding_dimensions", hiddenSize = "hidden_size"
        case batchNorm = "batch_norm", batchNormMomentum = "batch_norm_momentum"
    }
}


/// Stage 4: the hierarchical MLP of lecture 5, after WaveNet (van den Oord et al., 2016).
/// Instead of squashing all k context embeddings into one layer, pairs of neighbours are fused
/// level by level, a binary tree of log₂ k levels:
///
///     x = C[context]                          (N, 8, d)
///     FlattenConsecutive(2) → Linear → BN → tanh   (N, 4, 2d) → (N, 4, H)
///     FlattenConsecutive(2) → Linear → BN → tanh   (N, 2, 2H) → (N, 2, H)
///     FlattenConsecutive(2) → Linear → BN → tanh   (N, 2H)    → (N, H)     (T = 1 squeezed)
///     logits = h·W_outᵀ + b_out               (N, V)
///
/// Each BatchNorm normalises its channels over batch *and* time (N·T rows). Initialisation as
/// in the lecture: embedding N(0, 1), hidden weights N(0, 1)/√fan_in (N(0, 1)·(5/3)/√fan_in
/// with biases 0 without BatchNorm), the output layer the same ×0.1 (×0.01 without BatchNorm)
/// with bias 0, so the initial loss ≈ ln V.
///
/// State-dict keys, as PyTorch's `nn.Sequential` would number them (FlattenConsecutive and Tanh
/// hold no tensors but keep their index): `embedding.weight` (V, d), then per level ℓ = 0, 1, …
/// at i = 4ℓ: `layers.{i+1}.weight` (H, fan_in), `layers.{i+2}.weight|bias|running_mean|running_var`
/// (H), and last `layers.{4L}.weight` (V, H) and `.bias` (V). Defaults: `layers.1`, `.2`, `.5`,
/// `.6`, `.9`, `.10`, `.12`; 76 579 parameters.
package final class WaveNet: WindowNetwork {
    package let configuration: WaveNetConfiguration
    /// The token embedding table C, (V, d).
    package let embedding: Embedding
    /// The levels and the output layer.
    package let layers: Sequential

    package var vocabularySize: Int { configuration.vocabularySize }
    package var contextLength: Int { configuration.contextLength }

    /// A freshly initialised model.
    package init(configuration c: WaveNetConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        embedding = Embedding(count: c.vocabularySize, dimensions: c.embeddingDimensions, using: &generator)
        let gain: Float = c.batchNorm ? 1 : 5.0 / 3
        var blocks: [any Layer] = []
        var width = c.embeddingDimensions
        for _ in 0..<c.levels {
            blocks.append(FlattenConsecutive(2))
            blocks += c.hiddenBlock(inputCount: 2 * width, initialization: .kaiming(gain: gain), using: &generator)
            width = c.hiddenSize
        }
        blocks.append(c.outputLayer(inputCount: width, initialization: .kaiming(gain: 1), scaledDown: true, using: &generator))
        layers = Sequential(blocks)
    }

    /// A model from existing parts (the folded copy).
    package init(configuration: WaveNetConfiguration, embedding: Embedding, layers: Sequential) {
        self.configuration = configuration
        self.embedding = embedding
        self.layers = layers
    }

    /// contexts (N·k, row-major (N, k)) → the embedded windows (N, k, d)
    package func input(contexts: [Int32]) -> Tensor {
        embedding(contexts, shape: [contexts.count / contextLength, contextLength])
    }
}

extension WaveNet: TrainableModel {
    package static let kind = "wavenet"
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension WaveNet {
    package static func activationElementsPerRow(configuration c: WaveNetConfiguration, vocabularySize v: Int) -> Double {
        // Level ℓ holds k/2^(ℓ+1) positions of H channels per row: at most k·H over all levels.
        3 * (Double(c.contextLength) * Double(c.embeddingDimensions) + 4 * Double(c.contextLength) * Double(c.hiddenSize) + 2 * Double(v))
    }
}
