/// The transformer's feed-forward part: `c_fc` expands C → 4C, the activation (GELU, tanh
/// approximation, as makemore.py; or ReLU), `c_proj` projects back to C, then residual dropout.
public final class MLPBlock: Layer {
    /// The non-linearity between the two projections.
    public enum Activation: String, Codable, CaseIterable, Sendable {
        /// GELU, tanh approximation: makemore.py's and GPT-2's.
        case gelu
        /// max(x, 0), as in the notes' MLP.
        case relu

        /// x with the non-linearity applied element by element
        package func callAsFunction(_ x: Tensor) -> Tensor {
            switch self {
            case .gelu: x.gelu()
            case .relu: x.relu()
            }
        }
    }

    /// C → 4C.
    package let expansion: Linear
    /// Between the projections.
    package let activation: Activation
    /// 4C → C.
    package let projection: Linear
    /// On the output.
    package let dropout: Dropout

    /// The block over `channels` features with `activation` (PyTorch default init), its dropout
    /// masks drawn from `dropout`.
    package init(channels: Int, activation: Activation, dropout: (probability: Float, stream: RandomStream),
                using generator: inout RandomGenerator) {
        expansion = Linear(inputCount: channels, outputCount: 4 * channels, using: &generator)
        self.activation = activation
        projection = Linear(inputCount: 4 * channels, outputCount: channels, using: &generator)
        self.dropout = Dropout(probability: dropout.probability, stream: dropout.stream)
    }

    /// x: (N, C) → (N, C)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(projection(activation(expansion(x))))  // (N, 4C) inside
    }

    public var children: ModuleChildren { [("c_fc", expansion), ("c_proj", projection), ("dropout", dropout)] }
}

/// One pre-norm transformer block: `x = x + attn(ln_1(x))`, then `x = x + mlp(ln_2(x))`.
package final class TransformerBlock: Module {
    /// `ln_1`, before attention.
    package let attentionNorm: LayerNorm
    /// `attn`.
    package let attention: CausalSelfAttention
    /// `ln_2`, before the MLP.
    package let mlpNorm: LayerNorm
    /// `mlp`.
    package let mlp: MLPBlock

    /// A block over `channels` features with `heads` attention heads for sequences up to
    /// `blockSize` and `activation` in its MLP, creating its layers in makemore.py's order (ln_1,
    /// attn, ln_2, mlp); every dropout mask is drawn from `dropout`.
    package init(channels: Int, heads: Int, blockSize: Int, activation: MLPBlock.Activation,
                dropout: (probability: Float, stream: RandomStream), using generator: inout RandomGenerator) {
        attentionNorm = LayerNorm(channels: channels)
        attention = CausalSelfAttention(channels: channels, heads: heads, blockSize: blockSize, dropout: dropout, using: &generator)
        mlpNorm = LayerNorm(channels: channels)
        mlp = MLPBlock(channels: channels, activation: activation, dropout: dropout, using: &generator)
    }

    /// x: (N, C) → (N, C), its rows arranged as `rows` says (see `CausalSelfAttention`)
    package func callAsFunction(_ x: Tensor, _ rows: AttentionRows) -> Tensor {
        let x = x + attention(attentionNorm(x), rows)
        return x + mlp(mlpNorm(x))
    }

    package var children: ModuleChildren { [("ln_1", attentionNorm), ("attn", attention), ("ln_2", mlpNorm), ("mlp", mlp)] }
}
