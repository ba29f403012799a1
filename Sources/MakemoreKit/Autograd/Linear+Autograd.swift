import MakemoreKernels

/// A fused affine layer `y = x·Wᵀ + b` with `weight` stored `[out, in]` as in PyTorch.
/// `x` is `[..., in]` (e.g. `[N, in]` or `[B, T, in]`); `y` is `[..., out]`.
///
/// Backward, rows of x flattened to [N, in]: ∂x += ∂y·W, ∂W += ∂yᵀ·x, ∂b += Σ_rows ∂y.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(weight.shape.count == 2, "weight must be [out, in], got \(weight.shape)")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    precondition(x.shape.last == inFeatures, "input \(x.shape) does not end in \(inFeatures) features")
    if let bias { precondition(bias.shape == [outFeatures], "bias must be [\(outFeatures)], got \(bias.shape)") }
    let rows = x.count / max(inFeatures, 1)
    let out = Tensor(uninitializedShape: x.shape.dropLast() + [outFeatures])
    linearForward(out.data, x.data, weight.data, bias?.data, rows, inFeatures, outFeatures)
    out.record(inputs: bias.map { [x, weight, $0] } ?? [x, weight]) { out in
        linearBackward(x.gradDataIfRequired, weight.gradDataIfRequired, bias?.gradDataIfRequired,
                       out.gradData, x.data, weight.data, rows, inFeatures, outFeatures)
    }
    return out
}
