/// The transformer's feed-forward part: `c_fc` expands C → 4C, GELU (tanh approximation),
/// `c_proj` projects back to C, then residual dropout.
public final class MLPBlock: Layer {
    /// C → 4C.
    public let expansion: Linear
    /// 4C → C.
    public let projection: Linear
    /// On the output.
    public let dropout: Dropout

    /// The block over `channels` features (PyTorch default init), its dropout masks drawn from
    /// `dropout`.
    public init(channels: Int, dropout: (probability: Float, stream: RandomStream), using generator: inout RandomGenerator) {
        expansion = Linear(inputCount: channels, outputCount: 4 * channels, using: &generator)
        projection = Linear(inputCount: 4 * channels, outputCount: channels, using: &generator)
        self.dropout = Dropout(probability: dropout.probability, stream: dropout.stream)
    }

    /// x: (N, C) → (N, C)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(projection(expansion(x).gelu()))  // (N, 4C) inside
    }

    public var children: ModuleChildren { [("c_fc", expansion), ("c_proj", projection), ("dropout", dropout)] }
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

    /// A block over `channels` features with `heads` attention heads for sequences up to
    /// `blockSize`, creating its layers in makemore.py's order (ln_1, attn, ln_2, mlp); every
    /// dropout mask is drawn from `dropout`.
    public init(channels: Int, heads: Int, blockSize: Int, dropout: (probability: Float, stream: RandomStream),
                using generator: inout RandomGenerator) {
        attentionNorm = LayerNorm(channels: channels)
        attention = CausalSelfAttention(channels: channels, heads: heads, blockSize: blockSize, dropout: dropout, using: &generator)
        mlpNorm = LayerNorm(channels: channels)
        mlp = MLPBlock(channels: channels, dropout: dropout, using: &generator)
    }

    /// x: (N, C) → (N, C), its rows arranged as `rows` says (see `CausalSelfAttention`)
    public func callAsFunction(_ x: Tensor, _ rows: AttentionRows) -> Tensor {
        let x = x + attention(attentionNorm(x), rows)
        return x + mlp(mlpNorm(x))
    }

    public var children: ModuleChildren { [("ln_1", attentionNorm), ("attn", attention), ("ln_2", mlpNorm), ("mlp", mlp)] }
}
