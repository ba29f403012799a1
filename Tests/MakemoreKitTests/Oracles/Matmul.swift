@testable import MakemoreKit

/// Matrix product of 2-D `[M, K]·[K, N]` or batched 3-D `[B, M, K]·[B, K, N]` tensors by plain
/// loops in Double: the reference that compositions in tests (attention, q·kᵀ) are built from.
/// `transposeA` reads `a` as `[(B,) K, M]`, `transposeB` reads `b` as `[(B,) N, K]`.
/// Backward, for out = A·B with A = op(a), B = op(b): ∂A += ∂out·Bᵀ, ∂B += Aᵀ·∂out, written
/// back through the transposes.
func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition((a.shape.count == 2 && b.shape.count == 2) || (a.shape.count == 3 && b.shape.count == 3),
                 "matmul needs two 2-D or two 3-D tensors, got \(a.shape) and \(b.shape)")
    let batched = a.shape.count == 3, batch = batched ? a.shape[0] : 1
    precondition(!batched || b.shape[0] == batch, "batch sizes differ: \(a.shape) and \(b.shape)")
    let (ar, ac) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
    let (br, bc) = (b.shape[b.shape.count - 2], b.shape[b.shape.count - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (kb, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == kb, "inner dimensions differ: \(a.shape) · \(b.shape)")
    // Where A[item, i, p] and B[item, p, j] are stored in a and b.
    func aIndex(_ item: Int, _ i: Int, _ p: Int) -> Int { item * m * k + (transposeA ? p * m + i : i * k + p) }
    func bIndex(_ item: Int, _ p: Int, _ j: Int) -> Int { item * k * n + (transposeB ? j * k + p : p * n + j) }
    let av = a.values, bv = b.values
    var c = [Float](repeating: 0, count: batch * m * n)
    for item in 0..<batch {
        for i in 0..<m {
            for j in 0..<n {
                let sum = (0..<k).reduce(0.0) { $0 + Double(av[aIndex(item, i, $1)]) * Double(bv[bIndex(item, $1, j)]) }
                c[(item * m + i) * n + j] = Float(sum)
            }
        }
    }
    let out = Tensor(shape: batched ? [batch, m, n] : [m, n], values: c)
    out.record(inputs: [a, b]) { out in
        let g = out.gradValues!
        var da = [Float](repeating: 0, count: a.count), db = [Float](repeating: 0, count: b.count)
        for item in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    let gij = g[(item * m + i) * n + j]
                    for p in 0..<k {
                        da[aIndex(item, i, p)] += gij * bv[bIndex(item, p, j)]
                        db[bIndex(item, p, j)] += gij * av[aIndex(item, i, p)]
                    }
                }
            }
        }
        if a.requiresGrad { a.accumulateGrad(da) }
        if b.requiresGrad { b.accumulateGrad(db) }
    }
    return out
}
