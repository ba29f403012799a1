/// The hyperparameters of the Bengio MLP (stage 3).
public struct MLPConfiguration: ModelConfiguration, Equatable, Sendable {
    /// How the Linear layers are drawn at creation.
    public enum Initialization: String, Codable, CaseIterable, Sendable {
        /// N(0, 1)·gain/√fan_in (gain 5/3 before tanh, 1 for the output layer), biases 0, and
        /// the output layer scaled ×0.1 with BatchNorm (×0.01 without), so the initial loss ≈ ln V.
        case kaiming
        /// PyTorch's `nn.Linear` default, U(±1/√fan_in) for weights and biases.
        case `default`
        /// Unscaled N(0, 1): the lecture's "before", which saturates tanh.
        case naive
    }

    /// Tokens in the vocabulary, boundary included.
    public var vocabularySize: Int
    /// Previous tokens seen per prediction.
    public var contextLength = 3
    /// Dimensions of each token's embedding.
    public var embeddingDimensions = 10
    /// Width of every hidden layer.
    public var hiddenSize = 200
    /// Hidden blocks (Linear → BatchNorm → tanh, or Linear → tanh).
    public var hiddenLayers = 1
    /// Whether each hidden Linear (then without bias) is followed by a BatchNorm1d.
    public var batchNorm = true
    /// Weight initialisation.
    public var initialization = Initialization.kaiming
    /// How far BatchNorm's running statistics move towards each batch's: PyTorch's 0.1. The
    /// lecture's hand-written BatchNorm used 0.001; measured on names.txt that gains 0.0013 nats
    /// of val loss after 200 000 steps but loses 0.02 after 1 000 (the averages lag behind).
    public var batchNormMomentum: Float = 0.1

    /// The lecture's configuration over `vocabularySize` tokens.
    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    /// The range of each value, by checkpoint key; `validate` and the flags check against them.
    package enum Limits {
        package static let vocabularySize = Limit.vocabularySize("vocabulary_size")
        package static let contextLength = Limit.count64("context_length")
        package static let embeddingDimensions = Limit.width("embedding_dimensions")
        package static let hiddenSize = Limit.hiddenWidth("hidden_size")
        package static let hiddenLayers = Limit.count64("hidden_layers")
        package static let batchNormMomentum = Limit<Float>("batch_norm_momentum", 0...1)
    }

    public func validate() throws {
        try Limits.vocabularySize.check(vocabularySize)
        try Limits.contextLength.check(contextLength)
        try Limits.embeddingDimensions.check(embeddingDimensions)
        try Limits.hiddenSize.check(hiddenSize)
        try Limits.hiddenLayers.check(hiddenLayers)
        try Limits.batchNormMomentum.check(batchNormMomentum)
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocabulary_size", contextLength = "context_length"
        case embeddingDimensions = "embedding_dimensions", hiddenSize = "hidden_size"
        case hiddenLayers = "hidden_layers", batchNorm = "batch_norm", initialization
        case batchNormMomentum = "batch_norm_momentum"
    }
}


/// Stage 3: the MLP of Bengio et al. (2003) as built in the lectures. The `contextLength`
/// previous tokens are embedded, concatenated, and passed through hidden blocks of
/// Linear → BatchNorm1d → tanh before a Linear to the V logits:
///
///     x = C[context]                       (N, k, d)
///     h = x.reshaped(N, k·d)               (N, k·d)
///     h = tanh(BN(h·W₁ᵀ)) …                (N, hidden)   one block per hidden layer
///     logits = h·W_outᵀ + b_out            (N, V)
///
/// Tensor names follow the state dict: `embedding.weight`, then `layers.0.weight`,
/// `layers.1.weight`, `layers.1.bias`, `layers.1.running_mean`, … for the `Sequential`.
package final class MLP: WindowNetwork {
    package let configuration: MLPConfiguration
    /// The token embedding table C, (V, d).
    package let embedding: Embedding
    /// The hidden blocks and the output layer.
    package let layers: Sequential

    package var vocabularySize: Int { configuration.vocabularySize }
    package var contextLength: Int { configuration.contextLength }

    /// A freshly initialised model.
    package init(configuration c: MLPConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        embedding = Embedding(count: c.vocabularySize, dimensions: c.embeddingDimensions, using: &generator)
        let hidden: WeightInitialization, output: WeightInitialization
        switch c.initialization {
        case .kaiming: (hidden, output) = (.kaiming(gain: 5.0 / 3), .kaiming(gain: 1))
        case .default: (hidden, output) = (.pytorchDefault, .pytorchDefault)
        case .naive: (hidden, output) = (.naive, .naive)
        }
        var blocks: [any Layer] = []
        var width = c.contextLength * c.embeddingDimensions
        for _ in 0..<c.hiddenLayers {
            blocks += c.hiddenBlock(inputCount: width, initialization: hidden, using: &generator)
            width = c.hiddenSize
        }
        blocks.append(c.outputLayer(inputCount: width, initialization: output, scaledDown: c.initialization == .kaiming, using: &generator))
        layers = Sequential(blocks)
    }

    /// A model from existing parts (the folded copy).
    package init(configuration: MLPConfiguration, embedding: Embedding, layers: Sequential) {
        self.configuration = configuration
        self.embedding = embedding
        self.layers = layers
    }

    /// contexts (N·k, row-major (N, k)) → the concatenated embeddings (N, k·d)
    package func input(contexts: [Int32]) -> Tensor {
        let k = contextLength, n = contexts.count / k
        return embedding(contexts, shape: [n, k]).reshaped([n, k * configuration.embeddingDimensions])  // (N, k, d) → (N, k·d)
    }
}

extension MLP: TrainableModel {
    package static let kind = "mlp"
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension MLP {
    package static func activationElementsPerRow(configuration c: MLPConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.contextLength) * Double(c.embeddingDimensions) + 3 * Double(c.hiddenLayers) * Double(c.hiddenSize) + 2 * Double(v))
    }
}
