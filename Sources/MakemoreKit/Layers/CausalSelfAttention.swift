/// Multi-head causal self-attention as in nanoGPT / makemore.py: one packed projection `c_attn`
/// to q, k, v (in that order), heads of size C / heads attending with scale 1/√head_size over
/// earlier positions of their own sequence (the fused `causalSelfAttention` op, with dropout on
/// the attention probabilities while training, nanoGPT's `attn_dropout`), then the output
/// projection `c_proj` and residual dropout (`resid_dropout`).
package final class CausalSelfAttention: Module {
    /// Number of heads.
    package let heads: Int
    /// C → 3C: q, k, v side by side.
    package let attention: Linear
    /// C → C.
    package let projection: Linear
    /// On the attention probabilities.
    package let attentionDropout: Dropout
    /// On the output.
    package let residualDropout: Dropout
    /// makemore.py's `bias` buffer, (1, 1, T, T) lower-triangular ones: the causal mask PyTorch
    /// keeps in the state dict. Stored so `load_state_dict` (strict) accepts our files; the fused
    /// attention is causal by construction and never reads it.
    let causalMask: Tensor

    /// Attention over `channels` features split into `heads` heads for sequences up to
    /// `blockSize` (PyTorch default init), its dropout masks drawn from `dropout`.
    package init(channels: Int, heads: Int, blockSize: Int, dropout: (probability: Float, stream: RandomStream),
                using generator: inout RandomGenerator) {
        precondition(heads > 0 && channels % heads == 0, "\(channels) channels do not split into \(heads) heads")
        self.heads = heads
        attention = Linear(inputCount: channels, outputCount: 3 * channels, using: &generator)
        projection = Linear(inputCount: channels, outputCount: channels, using: &generator)
        attentionDropout = Dropout(probability: dropout.probability, stream: dropout.stream)
        residualDropout = Dropout(probability: dropout.probability, stream: dropout.stream)
        let t = blockSize
        causalMask = .computed(shape: [1, 1, t, t]) { (0..<(t * t)).map { $0 % t <= $0 / t ? 1 : 0 } }
    }

    /// x: (N, C) → (N, C), its rows arranged as `rows` says: whole packed sequences, or the next
    /// position of sequences whose earlier keys and values are cached (their q, k, v are stored
    /// there first).
    package func callAsFunction(_ x: Tensor, _ rows: AttentionRows) -> Tensor {
        let qkv = attention(x)  // (N, 3C)
        let y: Tensor  // (N, C)
        switch rows {
        case .packed(let sequenceStarts):
            y = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: sequenceStarts, dropout: attentionDropout.attentionDropout())
        case .cached(let cache, let slots, let positions):
            let blockSize = cache.shape[1]
            cache.setRows(qkv, at: zip(slots, positions).map { $0 * blockSize + $1 })
            y = causalSelfAttentionLastRows(cache: cache, slots: slots, positions: positions, heads: heads)
        }
        return residualDropout(projection(y))
    }

    /// Where each position of one whole sequence looks: x (T, C) → the attention probabilities
    /// (heads, T, T) that `callAsFunction` weighs the values by (before any dropout), from the
    /// same q and k.
    package func probabilities(_ x: Tensor) -> Tensor {
        causalAttentionProbabilities(qkv: attention(x), heads: heads)  // (T, 3C) inside
    }

    package var children: ModuleChildren {
        [("c_attn", attention), ("c_proj", projection), ("attn_dropout", attentionDropout), ("resid_dropout", residualDropout)]
    }

    package var ownBuffers: [(name: String, tensor: Tensor)] { [("bias", causalMask)] }
}

/// How the rows of an attention input are arranged.
package enum AttentionRows {
    /// Whole sequences packed back to back, sequence i being rows `sequenceStarts[i] ..<
    /// sequenceStarts[i + 1]`: training and scoring.
    case packed(sequenceStarts: [Int])
    /// Row i is position `positions[i]` of the sequence in slot `slots[i]` (distinct slots) of a
    /// key/value cache (slots, blockSize, 3C) holding the q, k, v of every earlier position:
    /// incremental decoding, in evaluation mode.
    case cached(Tensor, slots: [Int], positions: [Int])
}
