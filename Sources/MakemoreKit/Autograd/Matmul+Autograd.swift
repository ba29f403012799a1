/// Matrix product of 2-D `[M, K]·[K, N]` or batched 3-D `[B, M, K]·[B, K, N]` tensors.
/// `transposeA` reads `a` as `[(B,) K, M]` and uses its transpose; `transposeB` reads `b` as
/// `[(B,) N, K]` (e.g. attention scores `q·kᵀ` without materialising `kᵀ`).
///
/// Backward, for out = A·B with A = op(a), B = op(b): ∂A += ∂out·Bᵀ, ∂B += Aᵀ·∂out, mapped
/// back through the transposes (e.g. with transposeB, ∂b += ∂outᵀ·A).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    if transposeA && transposeB { return matmul(a.transposed(), b, transposeB: true) }
    precondition((a.shape.count == 2 && b.shape.count == 2) || (a.shape.count == 3 && b.shape.count == 3),
                 "matmul needs two 2-D or two 3-D tensors, got \(a.shape) and \(b.shape)")
    let batched = a.shape.count == 3
    let batch = batched ? a.shape[0] : 1
    precondition(!batched || b.shape[0] == batch, "batch sizes differ: \(a.shape) and \(b.shape)")
    let (ar, ac) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
    let (br, bc) = (b.shape[b.shape.count - 2], b.shape[b.shape.count - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (kb, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == kb, "inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let out = Tensor(uninitializedShape: batched ? [batch, m, n] : [m, n])
    batchedMatmulForward(out.data, a.data, b.data, batch, m, n, k, transposeA: transposeA, transposeB: transposeB)
    out.record(inputs: [a, b]) { out in
        batchedMatmulBackward(a.gradDataIfRequired, b.gradDataIfRequired, out.gradData, a.data, b.data,
                              batch, m, n, k, transposeA: transposeA, transposeB: transposeB)
    }
    return out
}

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
