import Foundation

// Causal self-attention over sequences packed back to back, without padding. N = rows (every
// sequence's positions, one after another), NH = heads, HS = head size, C = NH·HS channels.
// Sequence s owns rows starts[s]..<starts[s + 1]; its position t attends to its positions 0...t.
// qkv[N, 3C] holds q, k, v side by side; head h reads columns h·HS..<(h + 1)·HS of each third.
// One row of scores (at most the longest sequence) is the only scratch: memory is linear in T.
// With dropout, m[r, h, j] ∈ {0, 1/(1 − p)} multiplies the probabilities; it is a hash of
// (seed, r, h, j), recomputed by backward, never stored.

/// out[N, C] = (softmax(scale·q·kᵀ, causal) ⊙ m)·v per sequence and head (m = 1 without dropout);
/// lse[N, NH] = log Σ_{j ≤ t} exp(scale·q_t·k_j), all that backward needs besides qkv and out.
/// All heads of a position go together, one step at a time (`attendHeads`).
package func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ lse: UnsafeMutablePointer<Float>, _ qkv: UnsafePointer<Float>,
    _ starts: [Int], _ NH: Int, _ HS: Int, scale: Float, dropout: HashedDropoutMask?
) {
    let C = NH &* HS, C3 = 3 &* C
    withHeadScratch(starts, NH, rows: 1) { scratch in
        for s in 0..<(starts.count - 1) {
            let first = starts[s], length = starts[s + 1] &- first
            let k0 = qkv + (first &* C3 &+ C)
            for t in 0..<length {
                let position = first &+ t
                attendHeads(out + position &* C, qkv + position &* C3, k0, k0 + C, t, C3, NH, HS, scale, scratch, dropout, position &* NH)
                for h in 0..<NH { lse[position &* NH &+ h] = scratch.maxima[h] + Float(Foundation.log(scratch.sums[h])) }
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
    withHeadScratch([0, T], NH, rows: 1) { scratch in
        for i in slots.indices {
            let sequence = cache + slots[i] &* T &* C3, t = positions[i]
            attendHeads(out + i &* C, sequence + t &* C3, sequence + C, sequence + 2 &* C, t, C3, NH, HS, scale, scratch, nil, 0)
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
    withHeadScratch([0, T], NH, rows: 1) { scratch in
        for t in 0..<T {
            exponentiatedScores(qkv + t &* C3, qkv + C, t, C3, NH, HS, scale, scratch)
            for h in 0..<NH {
                let p = probabilities + (h &* T &+ t) &* T, scores = scratch.row(h)
                let inverse = Float(1 / scratch.sums[h])
                for j in 0...t { p[j] = scores[j] * inverse }
            }
        }
    }
}

/// The scratch of one position's NH heads: `rows` score rows per head, each as long as the
/// longest sequence rounded up to whole 16-lane vectors (for `exponentiateRow`), and one float
/// and one Double per head.
private struct HeadScratch {
    /// Row r of head h starts at scores + (r·NH + h)·width.
    let scores: UnsafeMutablePointer<Float>
    let width: Int
    let NH: Int
    /// Per head: the largest score (forward), the row's D = dout·out (backward).
    let maxima: UnsafeMutablePointer<Float>
    /// Per head: Σ_j exp(score_j − largest).
    let sums: UnsafeMutablePointer<Double>

    /// Head h's score row r.
    @inline(__always)
    func row(_ h: Int, _ r: Int = 0) -> UnsafeMutablePointer<Float> { scores + (r &* NH &+ h) &* width }
}

/// Runs `body` with a zeroed `HeadScratch` for NH heads, `rows` score rows each.
private func withHeadScratch(_ starts: [Int], _ NH: Int, rows: Int, _ body: (HeadScratch) -> Void) {
    var longest = 1
    for s in 0..<max(0, starts.count - 1) { longest = max(longest, starts[s + 1] - starts[s]) }
    let width = (longest + 15) / 16 * 16, count = rows * NH * width
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: count), maxima = UnsafeMutablePointer<Float>.allocate(capacity: NH)
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: NH)
    scores.initialize(repeating: 0, count: count)
    maxima.initialize(repeating: 0, count: NH)
    sums.initialize(repeating: 0, count: NH)
    defer { scores.deallocate(); maxima.deallocate(); sums.deallocate() }
    body(HeadScratch(scores: scores, width: width, NH: NH, maxima: maxima, sums: sums))
}

/// For every head h of one position t (q = the position's q row, k_j = k0 + j·C3, head h at
/// columns h·HS): scratch.row(h)[j] = exp(scale·q·k_j − m_h) for j ≤ t with m_h the head's largest
/// score, in scratch.maxima[h], and their sum in scratch.sums[h]. Each step runs for all heads
/// before the next: one head's row is one chain of dependent operations (scores, max, exp, sum)
/// that left the core waiting on latencies, and the heads' chains are independent, so they
/// overlap. Each head's numbers go through the same operations in the same order as one head alone.
@inline(__always)
private func exponentiatedScores(
    _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>, _ t: Int, _ C3: Int, _ NH: Int, _ HS: Int,
    _ scale: Float, _ scratch: HeadScratch
) {
    for h in 0..<NH { scores(scratch.row(h), q + h &* HS, k0 + h &* HS, t, C3, HS, scale, minus: 0) }
    for h in 0..<NH {
        let p = scratch.row(h)
        var m = -Float.infinity
        for j in 0...t { m = max(m, p[j]) }
        scratch.maxima[h] = m
    }
    for h in 0..<NH {
        let p = scratch.row(h), m = scratch.maxima[h]
        for j in 0...t { p[j] -= m }
        exponentiateRow(p, count: t &+ 1)
    }
    for h in 0..<NH { scratch.sums[h] = sumForward(scratch.row(h), t &+ 1) }
}

/// p[j] = scale·q·k_j − shift for j ≤ t (k_j = k0 + j·C3; dout·v_j with scale 1 and shift 0, which
/// change no bit): four keys at a time through `dots`, the same bits as one `dot` per key.
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

/// o[h·HS ..< (h + 1)·HS] = Σ_{j ≤ t} softmax_j(scale·q·k_j)·m_j·v_j for every head h of one
/// position t (q, o = the position's rows; k_j = k0 + j·C3, v_j = v0 + j·C3; m_j = dropout's
/// factor for (firstRow + h, j), 1 without). Leaves each head's largest score and sum of
/// exponentials in the scratch for the log-sum-exp. Each step runs for all heads before the next
/// (see `exponentiatedScores`). With whole 16-lane vectors per head, each vector of o is summed
/// over the keys in a register (the same fused multiply-adds in the same order as the axpy into
/// memory of other head sizes, so the same bits): accumulating into memory made every key wait
/// for the previous key's store.
@inline(__always)
private func attendHeads(
    _ o: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>,
    _ v0: UnsafePointer<Float>, _ t: Int, _ C3: Int, _ NH: Int, _ HS: Int, _ scale: Float,
    _ scratch: HeadScratch, _ dropout: HashedDropoutMask?, _ firstRow: Int
) {
    exponentiatedScores(q, k0, t, C3, NH, HS, scale, scratch)
    for h in 0..<NH {
        let p = scratch.row(h), inverse = Float(1 / scratch.sums[h]), row = firstRow &+ h
        for j in 0...t { p[j] = p[j] * inverse * (dropout?.factor(row: row, key: j) ?? 1) }
    }
    for h in 0..<NH {
        let p = scratch.row(h), oh = o + h &* HS, vh = v0 + h &* HS
        if HS % 16 == 0 {
            var i = 0
            while i < HS {
                var lanes = SIMD16<Float>()
                for j in 0...t { lanes.addProduct(SIMD16(repeating: p[j]), load(vh + j &* C3, i)) }
                store(lanes, oh, i)
                i &+= 16
            }
        } else {
            oh.update(repeating: 0, count: HS)
            for j in 0...t { axpy(oh, vh + j &* C3, p[j], HS) }
        }
    }
}

/// With P = exp(scale·q·kᵀ − lse) (recomputed one row at a time), the dropout factors m (1
/// without dropout), dP = m ⊙ (dout·vᵀ) and D = rowsum(dout ⊙ out) = rowsum(dP ⊙ P):
/// dS = P ⊙ (dP − D);  dq += scale·dS·k;  dk += scale·dSᵀ·q;  dv += (P ⊙ m)ᵀ·dout
/// (dqkv[N, 3C], dout[N, C]). All heads of a position go together, each step for all heads
/// before the next, so that their independent chains overlap (as in `exponentiatedScores`);
/// each dk and dv element still gets its contributions in the order of the positions. With
/// heads of 16 (the preset's), dq's row is summed over the keys in a register, as `attendHeads`
/// sums its output: the same bits as the axpy into memory.
package func attentionBackward(
    _ dqkv: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ out: UnsafePointer<Float>,
    _ lse: UnsafePointer<Float>, _ qkv: UnsafePointer<Float>, _ starts: [Int], _ NH: Int, _ HS: Int,
    scale: Float, dropout: HashedDropoutMask?
) {
    let C = NH &* HS, C3 = 3 &* C
    withHeadScratch(starts, NH, rows: 2) { scratch in
        for s in 0..<(starts.count - 1) {
            let first = starts[s], length = starts[s + 1] &- first
            let k0 = qkv + (first &* C3 &+ C), v0 = k0 + C, dk0 = dqkv + (first &* C3 &+ C), dv0 = dk0 + C
            for t in 0..<length {
                let position = first &+ t
                let q = qkv + position &* C3, dq = dqkv + position &* C3, dy = dout + position &* C, o = out + position &* C
                for h in 0..<NH { scratch.maxima[h] = dot(dy + h &* HS, o + h &* HS, HS) }
                for h in 0..<NH {
                    scores(scratch.row(h), q + h &* HS, k0 + h &* HS, t, C3, HS, scale, minus: lse[position &* NH &+ h])
                }
                for h in 0..<NH { exponentiateRow(scratch.row(h), count: t &+ 1) }
                for h in 0..<NH { scores(scratch.row(h, 1), dy + h &* HS, v0 + h &* HS, t, C3, HS, 1, minus: 0) }
                for h in 0..<NH {
                    let p = scratch.row(h), dyv = scratch.row(h, 1), d = scratch.maxima[h], row = position &* NH &+ h
                    let column = h &* HS, qh = q + column, dqh = dq + column, dyh = dy + column
                    // dq's row: in a register with heads of 16, else an axpy into memory per key.
                    var dqLanes = HS == 16 ? load(dqh, 0) : SIMD16<Float>()
                    for j in 0...t {
                        let m = dropout?.factor(row: row, key: j) ?? 1
                        let dp = m * dyv[j]
                        let ds = scale * p[j] * (dp - d)
                        axpy(dv0 + (j &* C3 &+ column), dyh, p[j] * m, HS)
                        let k = k0 + (j &* C3 &+ column)
                        if HS == 16 { dqLanes.addProduct(SIMD16(repeating: ds), load(k, 0)) } else { axpy(dqh, k, ds, HS) }
                        axpy(dk0 + (j &* C3 &+ column), qh, ds, HS)
                    }
                    if HS == 16 { store(dqLanes, dqh, 0) }
                }
            }
        }
    }
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

/// p[j] = exp(p[j]) for j < count, in whole vectors of a scratch row from `withHeadScratch`: an
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
