import MakemoreKernels

/// Layer normalisation over the last axis: `y = (x − μ)/√(σ² + eps)·weight + bias` with μ, σ²
/// the mean and biased variance of each row; `x` is `[..., C]`, `weight` and `bias` are `[C]`.
/// The forward caches μ and rstd = 1/√(σ² + eps) per row.
///
/// Backward, per row with x̂ = (x − μ)·rstd and g = ∂y·weight:
/// ∂x += rstd·(g − mean(g) − x̂·mean(g·x̂)),  ∂weight += Σ_rows ∂y·x̂,  ∂bias += Σ_rows ∂y.
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, eps: Float = 1e-5) -> Tensor {
    let channels = x.shape.last ?? 1
    precondition(weight.shape == [channels] && bias.shape == [channels],
                 "weight and bias must be [\(channels)] for input \(x.shape)")
    let rows = x.count / max(channels, 1)
    let out = Tensor(uninitializedShape: x.shape)
    let mean = Tensor(uninitializedShape: [rows]), rstd = Tensor(uninitializedShape: [rows])
    layerNormForward(out.data, mean.data, rstd.data, x.data, weight.data, bias.data, rows, channels, eps: eps)
    out.record(inputs: [x, weight, bias]) { out in
        // ∂x is written (not added) when it is its first contribution; fetched before the
        // parameters' gradients, which are other tensors.
        layerNormBackward(x.gradForWritingIfRequired, weight.gradDataIfRequired, bias.gradDataIfRequired,
                          out.gradData, x.data, weight.data, mean.data, rstd.data, rows, channels)
    }
    return out
}
