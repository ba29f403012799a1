import MakemoreKernels

/// Dropout on the attention probabilities inside `causalSelfAttention` (nanoGPT's
/// `attn_dropout`): each probability is zeroed with chance `probability` and the survivors are
/// scaled by 1/(1 − probability). The mask is a hash of (`seed`, row, head, key) that backward
/// recomputes, so no mask is stored; a new seed each step draws a new mask.
package struct AttentionDropout: Sendable {
    /// The chance that a probability is zeroed.
    package let probability: Float
    /// Picks this step's mask.
    package let seed: UInt64
    /// The mask the attention kernels apply.
    let mask: HashedDropoutMask
    /// The longest sequence a mask covers.
    static var maximumLength: Int { HashedDropoutMask.maximumLength }

    /// Dropout with `probability` in [0, 1) and the mask chosen by `seed`.
    package init(probability: Float, seed: UInt64) {
        precondition((0..<1).contains(probability), "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.seed = seed
        mask = HashedDropoutMask(seed: seed, threshold: UInt64(Double(probability) * 0x1.0p32), keep: 1 / (1 - probability))
    }
}
