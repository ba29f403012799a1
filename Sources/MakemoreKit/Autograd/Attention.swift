import MakemoreKernels

/// Fused causal self-attention, flash-attention style: one op from the packed q, k, v
/// projection to the heads' outputs, with a hand-written backward.
///
/// `qkv` is `[N, 3C]`: the rows of several sequences stored back to back (no padding), each row
/// q, k, v side by side. Sequence s owns rows `sequenceStarts[s]..<sequenceStarts[s + 1]`; split
/// into `heads` heads of size hs = C / heads, each sequence is the (nh, T, hs) q, k, v of one
/// batch item, and position t attends to positions 0...t of its own sequence only:
///     y = softmax(q·kᵀ/√hs + causal mask)·v,  out[N, C] = the heads side by side.
/// The forward keeps only the row log-sum-exp of the scores ([N, nh]), not the T×T attention
/// matrix; backward recomputes P = exp(q·kᵀ/√hs − lse) one row at a time and uses
/// dS = P ⊙ (dP − rowsum(dP ⊙ P)) with dP = ∂out·vᵀ and rowsum(dP ⊙ P) = rowsum(∂out ⊙ out):
///     ∂q += dS·k/√hs,  ∂k += dSᵀ·q/√hs,  ∂v += Pᵀ·∂out.
/// With `dropout` (nanoGPT's `attn_dropout`), out = (P ⊙ m)·v for a mask m of zeros and
/// 1/(1 − p) that backward recomputes from the seed; then ∂v += (P ⊙ m)ᵀ·∂out, dP = m ⊙ (∂out·vᵀ),
/// and still rowsum(dP ⊙ P) = rowsum(∂out ⊙ (P ⊙ m)·v) = rowsum(∂out ⊙ out).
package func causalSelfAttention(qkv: Tensor, heads: Int, sequenceStarts: [Int], dropout: AttentionDropout? = nil) -> Tensor {
    precondition(qkv.shape.count == 2 && qkv.shape[1] % (3 * heads) == 0,
                 "qkv must be [N, 3C] with C divisible by \(heads) heads, got \(qkv.shape)")
    precondition(sequenceStarts.first == 0 && sequenceStarts.last == qkv.shape[0]
                 && zip(sequenceStarts, sequenceStarts.dropFirst()).allSatisfy { $0 < $1 },
                 "sequence starts must rise from 0 to \(qkv.shape[0]), got \(sequenceStarts)")
    precondition(dropout == nil || zip(sequenceStarts, sequenceStarts.dropFirst()).allSatisfy { $1 - $0 <= AttentionDropout.maximumLength },
                 "attention dropout covers sequences of at most \(AttentionDropout.maximumLength) positions")
    let channels = qkv.shape[1] / 3, headSize = channels / heads
    let scale = 1 / Float(headSize).squareRoot()
    let out = Tensor(uninitializedShape: [qkv.shape[0], channels])
    let lse = Tensor(uninitializedShape: [qkv.shape[0], heads])
    attentionForward(out.data, lse.data, qkv.data, sequenceStarts, heads, headSize, scale: scale, dropout: dropout?.mask)
    out.record(inputs: [qkv]) { out in
        attentionBackward(qkv.gradData, out.gradData, out.data, lse.data, qkv.data, sequenceStarts,
                          heads, headSize, scale: scale, dropout: dropout?.mask)
    }
    return out
}

/// Incremental decoding's attention for several sequences at once: `cache` is `[S, T, 3C]`,
/// the q, k, v rows of S sequences (slots) of up to T positions; row i of the result `[R, C]`
/// is the output at position `positions[i]` of slot `slots[i]`, whose rows `0...positions[i]`
/// must be filled. Inference only: the result records no graph.
func causalSelfAttentionLastRows(cache: Tensor, slots: [Int], positions: [Int], heads: Int) -> Tensor {
    precondition(cache.shape.count == 3 && cache.shape[2] % (3 * heads) == 0 && slots.count == positions.count,
                 "cache must be [S, T, 3C] with C divisible by \(heads) heads, got \(cache.shape)")
    precondition(slots.allSatisfy { (0..<cache.shape[0]).contains($0) } && positions.allSatisfy { (0..<cache.shape[1]).contains($0) },
                 "slot or position outside the cache \(cache.shape)")
    let channels = cache.shape[2] / 3, headSize = channels / heads
    let out = Tensor(uninitializedShape: [slots.count, channels])
    attentionLastRowsForward(out.data, cache.data, slots, positions, cache.shape[1], heads, headSize,
                             scale: 1 / Float(headSize).squareRoot())
    return out
}

/// The attention probabilities of one sequence: `qkv` `[T, 3C]` → `[heads, T, T]`, row t of head h
/// being softmax(q_t·kᵀ/√hs) over positions 0...t and exactly 0 beyond — the matrix the fused
/// op multiplies v by but does not keep, recomputed by the same kernel steps, for pictures of
/// where each position looks. Inference only: the result records no graph.
package func causalAttentionProbabilities(qkv: Tensor, heads: Int) -> Tensor {
    precondition(qkv.shape.count == 2 && qkv.shape[1] % (3 * heads) == 0,
                 "qkv must be [T, 3C] with C divisible by \(heads) heads, got \(qkv.shape)")
    let length = qkv.shape[0], headSize = qkv.shape[1] / 3 / heads
    let probabilities = Tensor(uninitializedShape: [heads, length, length])
    attentionProbabilitiesForward(probabilities.data, qkv.data, length, heads, headSize, scale: 1 / Float(headSize).squareRoot())
    return probabilities
}
