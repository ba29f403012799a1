import MakemoreKernels

/// A fused affine layer `y = x·Wᵀ + b` with `weight` stored `[out, in]` as in PyTorch.
/// `x` is `[..., in]` (e.g. `[N, in]` or `[B, T, in]`); `y` is `[..., out]`.
///
/// Backward, rows of x flattened to [N, in]: ∂x += ∂y·W, ∂W += ∂yᵀ·x, ∂b += Σ_rows ∂y (each written,
/// not added, when it is the gradient's first contribution: no zero-filled buffer).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(weight.shape.count == 2, "weight must be [out, in], got \(weight.shape)")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    precondition(x.shape.last == inFeatures, "input \(x.shape) does not end in \(inFeatures) features")
    if let bias { precondition(bias.shape == [outFeatures], "bias must be [\(outFeatures)], got \(bias.shape)") }
    let rows = x.count / max(inFeatures, 1)
    let out = Tensor(uninitializedShape: x.shape.dropLast() + [outFeatures])
    linearForward(out.data, x.data, weight.data, bias?.data, rows, inFeatures, outFeatures)
    out.record(inputs: bias.map { [x, weight, $0] } ?? [x, weight]) { out in
        // Each gradient is fetched right before its kernel writes it (see `gradForWriting`).
        if let dx = x.gradForWritingIfRequired { linearBackwardInput(dx, out.gradData, weight.data, rows, inFeatures, outFeatures) }
        if let dw = weight.gradForWritingIfRequired { linearBackwardWeight(dw, out.gradData, x.data, rows, inFeatures, outFeatures) }
        if let bias, let db = bias.gradForWritingIfRequired { linearBackwardBias(db, out.gradData, rows, outFeatures) }
    }
    return out
}
