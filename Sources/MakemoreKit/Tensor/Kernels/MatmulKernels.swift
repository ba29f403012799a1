// Matrix-product layers over `Matmul` (the fast kernels). B = batch, N = rows, C = input
// features, OC = output features; weight is [OC, C] as in PyTorch.

/// out[N, OC] = inp[N, C] · weight[OC, C]ᵀ + bias[OC]
func linearForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>?, _ N: Int, _ C: Int, _ OC: Int
) {
    if N == 1 { return matvecForward(out, inp, weight, bias, C, OC) }
    Matmul.nt(inp, weight, out, m: N, n: OC, k: C)
    if let bias {
        for r in 0..<N { accumulate(out + r &* OC, bias, OC) }
    }
}

/// dinp[N, C] += dout · weight;  dweight[OC, C] += doutᵀ · inp;  dbias[OC] += Σ_rows dout
func linearBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?,
    _ dbias: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ N: Int, _ C: Int, _ OC: Int
) {
    if let dinp { Matmul.nn(dout, weight, dinp, m: N, n: C, k: OC, accumulate: true) }
    if let dweight { Matmul.tn(dout, inp, dweight, m: OC, n: C, k: N, accumulate: true) }
    if let dbias {
        for r in 0..<N { accumulate(dbias, dout + r &* OC, OC) }
    }
}

/// c[B, M, N] = op(a) · op(b) per batch, op(a) = a[B, M, K] or a[B, K, M]ᵀ (transposeA),
/// op(b) = b[B, K, N] or b[B, N, K]ᵀ (transposeB); not both transposed
func batchedMatmulForward(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ B: Int, _ M: Int, _ N: Int, _ K: Int, transposeA: Bool, transposeB: Bool
) {
    precondition(!(transposeA && transposeB), "both operands transposed: transpose one explicitly")
    for i in 0..<B {
        let ai = a + i &* M &* K, bi = b + i &* K &* N, ci = c + i &* M &* N
        if transposeA {
            Matmul.tn(ai, bi, ci, m: M, n: N, k: K)
        } else if transposeB {
            Matmul.nt(ai, bi, ci, m: M, n: N, k: K)
        } else {
            Matmul.nn(ai, bi, ci, m: M, n: N, k: K)
        }
    }
}

/// da += ∂(Σ dc·c)/∂a, db += ∂/∂b for c = op(a)·op(b) (shapes as in the forward):
/// plain: da += dc·bᵀ, db += aᵀ·dc;  transposeB: da += dc·b, db += dcᵀ·a;
/// transposeA: da += b·dcᵀ, db += a·dc
func batchedMatmulBackward(
    _ da: UnsafeMutablePointer<Float>?, _ db: UnsafeMutablePointer<Float>?, _ dc: UnsafePointer<Float>,
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ B: Int, _ M: Int, _ N: Int, _ K: Int, transposeA: Bool, transposeB: Bool
) {
    for i in 0..<B {
        let ai = a + i &* M &* K, bi = b + i &* K &* N, dci = dc + i &* M &* N
        let dai = da.map { $0 + i &* M &* K }, dbi = db.map { $0 + i &* K &* N }
        if transposeA {  // a [K, M], b [K, N]
            if let dai { Matmul.nt(bi, dci, dai, m: K, n: M, k: N, accumulate: true) }
            if let dbi { Matmul.nn(ai, dci, dbi, m: K, n: N, k: M, accumulate: true) }
        } else if transposeB {  // a [M, K], b [N, K]
            if let dai { Matmul.nn(dci, bi, dai, m: M, n: K, k: N, accumulate: true) }
            if let dbi { Matmul.tn(dci, ai, dbi, m: N, n: K, k: M, accumulate: true) }
        } else {  // a [M, K], b [K, N]
            if let dai { Matmul.nt(dci, bi, dai, m: M, n: K, k: N, accumulate: true) }
            if let dbi { Matmul.tn(ai, dci, dbi, m: K, n: N, k: M, accumulate: true) }
        }
    }
}
