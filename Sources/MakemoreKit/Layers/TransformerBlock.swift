/// The transformer's feed-forward part: `c_fc` expands C → 4C, GELU (tanh approximation),
/// `c_proj` projects back to C, then residual dropout.
public final class MLPBlock: Layer {
    /// C → 4C.
    public let expansion: Linear
    /// 4C → C.
    public let projection: Linear
    private let dropout: Dropout

    /// The block over `channels` features (PyTorch default init).
    public init(channels: Int, dropout: Dropout, using generator: inout RandomGenerator) {
        expansion = Linear(inputCount: channels, outputCount: 4 * channels, using: &generator)
        projection = Linear(inputCount: 4 * channels, outputCount: channels, using: &generator)
        self.dropout = dropout
    }

    /// x: (N, C) → (N, C)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(projection(expansion(x).gelu()))  // (N, 4C) inside
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("c_fc", expansion.namedParameters()) + prefixed("c_proj", projection.namedParameters())
    }
}

/// One pre-norm transformer block: `x = x + attn(ln_1(x))`, then `x = x + mlp(ln_2(x))`.
public final class TransformerBlock: Module {
    /// `ln_1`, before attention.
    public let attentionNorm: LayerNorm
    /// `attn`.
    public let attention: CausalSelfAttention
    /// `ln_2`, before the MLP.
    public let mlpNorm: LayerNorm
    /// `mlp`.
    public let mlp: MLPBlock

    /// A block over `channels` features with `heads` attention heads, creating its layers in
    /// makemore.py's order (ln_1, attn, ln_2, mlp).
    public init(channels: Int, heads: Int, dropout: Dropout, using generator: inout RandomGenerator) {
        attentionNorm = LayerNorm(channels: channels)
        attention = CausalSelfAttention(channels: channels, heads: heads, dropout: dropout, using: &generator)
        mlpNorm = LayerNorm(channels: channels)
        mlp = MLPBlock(channels: channels, dropout: dropout, using: &generator)
    }

    /// x: (N, C), the rows of the sequences starting at `sequenceStarts` → (N, C)
    public func callAsFunction(_ x: Tensor, sequenceStarts: [Int]) -> Tensor {
        let x = x + attention(attentionNorm(x), sequenceStarts: sequenceStarts)
        return x + mlp(mlpNorm(x))
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("ln_1", attentionNorm.namedParameters()) + prefixed("attn", attention.namedParameters())
            + prefixed("ln_2", mlpNorm.namedParameters()) + prefixed("mlp", mlp.namedParameters())
    }
}
