import MakemoreKernels

/// The output of `batchNorm` and the batch statistics for the caller's running averages.
package struct BatchNormResult {
    /// The normalised, scaled and shifted input (same shape as the input).
    package let output: Tensor
    /// Per-channel batch mean `[C]`.
    package let mean: Tensor
    /// Per-channel biased batch variance `[C]` (divides by n), the one used to normalise.
    package let variance: Tensor
    /// Values per channel, n.
    package let count: Int

    /// `n/(n − 1)`: turns `variance` into the unbiased one PyTorch keeps in `running_var`.
    package var besselCorrection: Float { Float(count) / Float(count - 1) }
}

/// Batch normalisation in training mode: each channel (the last axis) is normalised over ALL
/// other axes (n = count / C values: `[N, C]` and `[B, T, C]` both work) with the biased batch
/// variance, `y = γ·x̂ + β`, x̂ = (x − μ)/σ̂, σ̂ = √(var + eps). Needs n ≥ 2.
///
/// Backward, per channel: ∂γ += Σ ∂y·x̂,  ∂β += Σ ∂y,
/// ∂x += γ/(n·σ̂)·(n·∂y − Σ∂y − x̂·Σ(∂y·x̂)).
package func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float = 1e-5) -> BatchNormResult {
    let channels = x.shape.last ?? 1
    precondition(gamma.shape == [channels] && beta.shape == [channels],
                 "gamma and beta must be [\(channels)] for input \(x.shape)")
    let rows = x.count / max(channels, 1)
    precondition(rows >= 2, "batch norm needs at least two values per channel, input is \(x.shape)")
    let out = Tensor(uninitializedShape: x.shape)
    let mean = Tensor(uninitializedShape: [channels]), variance = Tensor(uninitializedShape: [channels])
    let rstd = Tensor(uninitializedShape: [channels])
    batchNormForward(out.data, mean.data, variance.data, rstd.data, x.data, gamma.data, beta.data,
                     rows, channels, eps: eps)
    out.record(inputs: [x, gamma, beta]) { out in
        batchNormBackward(x.gradForWritingIfRequired, gamma.gradDataIfRequired, beta.gradDataIfRequired,
                          out.gradData, x.data, gamma.data, mean.data, rstd.data, rows, channels)
    }
    return BatchNormResult(output: out, mean: mean, variance: variance, count: rows)
}
