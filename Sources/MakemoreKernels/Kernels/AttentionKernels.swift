import Foundation

// Causal self-attention over sequences packed back to back, without padding. N = rows (every
// sequence's positions, one after another), NH = heads, HS = head size, C = NH·HS channels.
// Sequence s owns rows starts[s]..<starts[s + 1]; its position t attends to its positions 0...t.
// qkv[N, 3C] holds q, k, v side by side; head h reads columns h·HS..<(h + 1)·HS of each third.
// One row of scores (at most the longest sequence) is the only scratch: memory is linear in T.
// With dropout, m[r, h, j] ∈ {0, 1/(1 − p)} multiplies the probabilities; it is a hash of
// (seed, r, h, j), recomputed by backward, never stored.

/// out[N, C] = (softmax(scale·q·kᵀ, causal) ⊙ m)·v per sequence and head (m = 1 without dropout);
/// lse[N, NH] = log Σ_{j ≤ t} exp(scale·q_t·k_j), all that backward needs besides qkv and out
package func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ lse: UnsafeMutablePointer<Float>, _ qkv: UnsafePointer<Float>,
    _ starts: [Int], _ NH: Int, _ HS: Int, scale: Float, dropout: HashedDropoutMask?
) {
    let C = NH &* HS, C3 = 3 &* C
    withScoreRow(starts) { p in
        for s in 0..<(starts.count - 1) {
            let first = starts[s], length = starts[s + 1] &- first
            for h in 0..<NH {
                let q0 = qkv + (first &* C3 &+ h &* HS), k0 = q0 + C, v0 = q0 + 2 &* C
                let o0 = out + (first &* C &+ h &* HS)
                for t in 0..<length {
                    let row = (first &+ t) &* NH &+ h
                    lse[row] = attendRow(o0 + t &* C, q0 + t &* C3, k0, v0, t, C3, HS, scale, p, dropout, row)
                }
            }
        }
    }
}

/// out[R, C]: row i = softmax(scale·q·kᵀ)·v, every head, for the last position t = positions[i]
/// of the sequence in slot slots[i]: the new rows of incremental decoding.
/// cache[S, T, 3C] holds each slot's q, k, v rows; slot s's rows 0...t must be filled.
package func attentionLastRowsForward(
    _ out: UnsafeMutablePointer<Float>, _ cache: UnsafePointer<Float>, _ slots: [Int], _ positions: [Int],
    _ T: Int, _ NH: Int, _ HS: Int, scale: Float
) {
    let C = NH &* HS, C3 = 3 &* C
    withScoreRow([0, T]) { p in
        for i in slots.indices {
            let sequence = cache + slots[i] &* T &* C3, t = positions[i]
            for h in 0..<NH {
                let k0 = sequence + h &* HS + C
                _ = attendRow(out + (i &* C &+ h &* HS), sequence + (t &* C3 &+ h &* HS), k0, k0 + C, t, C3, HS, scale, p, nil, 0)
            }
        }
    }
}

/// probabilities[NH, T, T] of one sequence qkv[T, 3C]: row t of head h is softmax_j(scale·q_t·k_j)
/// over j ≤ t and exactly 0 over j > t — the matrix `attentionForward` uses row by row but never
/// stores, computed by the same steps (`exponentiatedScores`, then the same 1 / Σ).
package func attentionProbabilitiesForward(
    _ probabilities: UnsafeMutablePointer<Float>, _ qkv: UnsafePointer<Float>, _ T: Int, _ NH: Int, _ HS: Int, scale: Float
) {
    let C = NH &* HS, C3 = 3 &* C
    probabilities.update(repeating: 0, count: NH &* T &* T)
    withScoreRow([0, T]) { scores in
        for h in 0..<NH {
            let q0 = qkv + h &* HS, k0 = q0 + C
            for t in 0..<T {
                let p = probabilities + (h &* T &+ t) &* T
                let (_, sum) = exponentiatedScores(scores, q0 + t &* C3, k0, t, C3, HS, scale)
                let inverse = Float(1 / sum)
                for j in 0...t { p[j] = scores[j] * inverse }
            }
        }
    }
}

/// p[j] = exp(scale·q·k_j − m) for j ≤ t with k_j = k0 + j·C3 and m the largest score: one
/// attention row's unnormalised probabilities; returns m and their sum Σ_j p[j]. p is a
/// scratch row from `withScoreRow`.
@inline(__always)
private func exponentiatedScores(
    _ p: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>,
    _ t: Int, _ C3: Int, _ HS: Int, _ scale: Float
) -> (maximum: Float, sum: Double) {
    var m = -Float.infinity
    scores(p, q, k0, t, C3, HS, scale, minus: 0)
    for j in 0...t { m = max(m, p[j]) }
    for j in 0...t { p[j] -= m }
    exponentiateRow(p, count: t &+ 1)
    return (m, sumForward(p, t &+ 1))
}

/// p[j] = scale·q·k_j − shift for j ≤ t (k_j = k0 + j·C3; dout·v_j with scale 1 and shift 0, which
/// change no bit): four keys at a time through `dots`,
/// the same bits as one `dot` per key.
@inline(__always)
private func scores(
    _ p: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>,
    _ t: Int, _ C3: Int, _ HS: Int, _ scale: Float, minus shift: Float
) {
    var j = 0
    while j &+ 4 <= t &+ 1 {
        let s = scale * dots(q, k0 + j &* C3, stride: C3, HS) - shift
        p[j] = s[0]; p[j &+ 1] = s[1]; p[j &+ 2] = s[2]; p[j &+ 3] = s[3]
        j &+= 4
    }
    while j <= t {
        p[j] = scale * dot(q, k0 + j &* C3, HS) - shift
        j &+= 1
    }
}

/// o[HS] = Σ_{j ≤ t} softmax_j(scale·q·k_j)·m_j·v_j with k_j = k0 + j·C3, v_j = v0 + j·C3 (one
/// head, one position; m_j = dropout's factor for (row, j), 1 without); returns the scores'
/// log-sum-exp. p[t + 1] is scratch. With whole 16-lane vectors per head, each vector of o is
/// summed over the keys in a register (the same fused multiply-adds in the same order as the
/// axpy into memory of other head sizes, so the same bits): accumulating into memory made every
/// key wait for the previous key's store.
@inline(__always)
private func attendRow(
    _ o: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>,
    _ v0: UnsafePointer<Float>, _ t: Int, _ C3: Int, _ HS: Int, _ scale: Float, _ p: UnsafeMutablePointer<Float>,
    _ dropout: HashedDropoutMask?, _ row: Int
) -> Float {
    let (m, sum) = exponentiatedScores(p, q, k0, t, C3, HS, scale)
    let inverse = Float(1 / sum)
    if HS % 16 == 0 {
        for j in 0...t { p[j] = p[j] * inverse * (dropout?.factor(row: row, key: j) ?? 1) }
        var i = 0
        while i < HS {
            var lanes = SIMD16<Float>()
            for j in 0...t { lanes.addProduct(SIMD16(repeating: p[j]), load(v0 + j &* C3, i)) }
            store(lanes, o, i)
            i &+= 16
        }
    } else {
        o.update(repeating: 0, count: HS)
        for j in 0...t { axpy(o, v0 + j &* C3, p[j] * inverse * (dropout?.factor(row: row, key: j) ?? 1), HS) }
    }
    return m + Float(Foundation.log(sum))
}

/// With P = exp(scale·q·kᵀ − lse) (recomputed one row at a time), the dropout factors m (1
/// without dropout), dP = m ⊙ (dout·vᵀ) and D = rowsum(dout ⊙ out) = rowsum(dP ⊙ P):
/// dS = P ⊙ (dP − D);  dq += scale·dS·k;  dk += scale·dSᵀ·q;  dv += (P ⊙ m)ᵀ·dout
/// (dqkv[N, 3C], dout[N, C]). With heads of 16 (the preset's), dq's row is summed over the keys
/// in a register, as `attendRow` sums its output: the same bits as the axpy into memory.
package func attentionBackward(
    _ dqkv: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ out: UnsafePointer<Float>,
    _ lse: UnsafePointer<Float>, _ qkv: UnsafePointer<Float>, _ starts: [Int], _ NH: Int, _ HS: Int,
    scale: Float, dropout: HashedDropoutMask?
) {
    let C = NH &* HS, C3 = 3 &* C
    withScoreRow(starts) { p in withScoreRow(starts) { dyv in
        for s in 0..<(starts.count - 1) {
            let first = starts[s], length = starts[s + 1] &- first
            for h in 0..<NH {
                let offset = first &* C3 &+ h &* HS
                let q0 = qkv + offset, k0 = q0 + C, v0 = q0 + 2 &* C
                let dq0 = dqkv + offset, dk0 = dq0 + C, dv0 = dq0 + 2 &* C
                let do0 = dout + (first &* C &+ h &* HS), o0 = out + (first &* C &+ h &* HS)
                for t in 0..<length {
                    let q = q0 + t &* C3, dq = dq0 + t &* C3, dy = do0 + t &* C
                    let d = dot(dy, o0 + t &* C, HS)
                    let row = (first &+ t) &* NH &+ h
                    let l = lse[row]
                    scores(p, q, k0, t, C3, HS, scale, minus: l)
                    exponentiateRow(p, count: t &+ 1)
                    scores(dyv, dy, v0, t, C3, HS, 1, minus: 0)
                    // dq's row: in a register with heads of 16, else an axpy into memory per key.
                    var dqLanes = HS == 16 ? load(dq, 0) : SIMD16<Float>()
                    for j in 0...t {
                        let m = dropout?.factor(row: row, key: j) ?? 1
                        let dp = m * dyv[j]
                        let ds = scale * p[j] * (dp - d)
                        axpy(dv0 + j &* C3, dy, p[j] * m, HS)
                        if HS == 16 { dqLanes.addProduct(SIMD16(repeating: ds), load(k0 + j &* C3, 0)) } else { axpy(dq, k0 + j &* C3, ds, HS) }
                        axpy(dk0 + j &* C3, q, ds, HS)
                    }
                    if HS == 16 { store(dqLanes, dq, 0) }
                }
            }
        }
    } }
}

/// A dropout mask on attention probabilities that is never stored: the factor of key j for
/// query row r (r = position row · heads + head) is 0 or `keep`, decided by comparing SplitMix64's
/// finaliser of seed + (r·2¹² + j)·golden ratio with `threshold` (the drop probability · 2³²), so
/// backward recomputes the forward's mask. Keys must stay below 2¹² = 4096 positions.
package struct HashedDropoutMask {
    /// Picks the mask.
    let seed: UInt64
    /// A key is dropped when the hash's top 32 bits fall below this.
    let threshold: UInt64
    /// The factor of a kept key.
    let keep: Float
    /// The longest sequence a mask covers.
    package static let maximumLength = 1 << 12

    package init(seed: UInt64, threshold: UInt64, keep: Float) {
        self.seed = seed
        self.threshold = threshold
        self.keep = keep
    }

    /// m[row, key]: 0 or `keep`
    @inline(__always)
    package func factor(row: Int, key: Int) -> Float {
        var z = seed &+ UInt64(truncatingIfNeeded: row &<< 12 | key) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) >> 32 < threshold ? 0 : keep
    }
}

/// Runs `body` with a zeroed scratch row as long as the longest sequence, rounded up to whole
/// 16-lane vectors (for `exponentiateRow`).
private func withScoreRow(_ starts: [Int], _ body: (UnsafeMutablePointer<Float>) -> Void) {
    var longest = 1
    for s in 0..<max(0, starts.count - 1) { longest = max(longest, starts[s + 1] - starts[s]) }
    let capacity = (longest + 15) / 16 * 16
    let row = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    row.initialize(repeating: 0, count: capacity)
    defer { row.deallocate() }
    body(row)
}

/// p[j] = exp(p[j]) for j < count, in whole vectors of a scratch row from `withScoreRow`: an
/// attention row is shorter than a vector at these block sizes, and `VectorMath.exp`'s tail
/// (built lane by lane) cost more than the exponentials. Lanes past `count` become 1 and are
/// never read.
@inline(__always)
private func exponentiateRow(_ p: UnsafeMutablePointer<Float>, count: Int) {
    let lane = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    var i = 0
    while i < count {
        let live = lane .< SIMD16<Int32>(repeating: Int32(truncatingIfNeeded: count &- i))
        store(VectorMath.exp(load(p, i).replacing(with: 0, where: .!live)), p, i)
        i &+= 16
    }
}
