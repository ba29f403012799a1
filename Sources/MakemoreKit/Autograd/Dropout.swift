import MakemoreKernels

/// Inverted dropout: each element is zeroed with probability `probability` and the survivors
/// are scaled by 1/(1 − probability), so the expected output equals the input and evaluation
/// needs no rescaling. Derived: `x ⊙ mask` with a constant mask, so ∂x += ∂out ⊙ mask.
package func dropout(_ x: Tensor, probability: Float, using generator: inout RandomGenerator) -> Tensor {
    precondition((0..<1).contains(probability), "dropout probability must be in [0, 1), got \(probability)")
    guard probability > 0 else { return x }
    let keep = 1 / (1 - probability)
    let mask = Tensor(uninitializedShape: x.shape)
    dropoutMask(mask.data, mask.count, probability: probability, keep: keep, using: &generator)
    return x * mask
}
