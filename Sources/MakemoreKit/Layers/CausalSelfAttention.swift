/// Multi-head causal self-attention as in nanoGPT / makemore.py: one packed projection `c_attn`
/// to q, k, v (in that order), heads of size C / heads attending with scale 1/√head_size over
/// earlier positions of their own sequence (the fused `causalSelfAttention` op, with dropout on
/// the attention probabilities while training, nanoGPT's `attn_dropout`), then the output
/// projection `c_proj` and residual dropout.
public final class CausalSelfAttention: Module {
    /// Number of heads.
    public let heads: Int
    /// C → 3C: q, k, v side by side.
    public let attention: Linear
    /// C → C.
    public let projection: Linear
    private let dropout: Dropout

    /// Attention over `channels` features split into `heads` heads (PyTorch default init).
    public init(channels: Int, heads: Int, dropout: Dropout, using generator: inout RandomGenerator) {
        precondition(heads > 0 && channels % heads == 0, "\(channels) channels do not split into \(heads) heads")
        self.heads = heads
        attention = Linear(inputCount: channels, outputCount: 3 * channels, using: &generator)
        projection = Linear(inputCount: channels, outputCount: channels, using: &generator)
        self.dropout = dropout
    }

    /// x: (N, C), the rows of the sequences starting at `sequenceStarts` → (N, C)
    public func callAsFunction(_ x: Tensor, sequenceStarts: [Int]) -> Tensor {
        let qkv = attention(x)  // (N, 3C)
        let y = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: sequenceStarts, dropout: dropout.attentionDropout())  // (N, C)
        return dropout(projection(y))
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("c_attn", attention.namedParameters()) + prefixed("c_proj", projection.namedParameters())
    }
}
