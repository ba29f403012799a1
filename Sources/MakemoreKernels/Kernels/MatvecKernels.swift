// A single row through a linear layer: what incremental decoding runs at every step. C = input
// features, OC = output features; weight is [OC, C] as in PyTorch. The blocked product in
// `Matmul` packs the whole weight for every call, which costs more than the product itself
// when there is one row; here each weight row is read once, in place.

/// out[OC] = weight[OC, C] · inp[C] + bias[OC]
///
/// Each output is the 16-lane fused multiply-add over the whole vectors of its row, its lanes
/// summed in order (as `SIMD16.sum()`), then the last `C % 16` products added one at a time in
/// order. Rows go 8 at a time while whole 16-float loads of their tails stay inside `weight`:
/// the rows' lanes and tail products are transposed so that lane r holds row r, and the in-order
/// additions run for the 8 rows at once instead of one scalar chain per row. The rest go 4 at a
/// time, then one. The same operations in the same order on every path, so the same bits.
package func matvecForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>?, _ C: Int, _ OC: Int
) {
    let tail = C & 15, head = C &- tail
    let x: SIMD16<Float> = loadPartial(inp + head, tail)  // inp[head..<C], zeros after
    var o = 0
    // a block of rows o..<o+8 reads 16 floats from row o+7's tail: stay inside weight
    while o &+ 8 <= OC && (tail == 0 || (o &+ 7) &* C &+ head &+ 16 <= OC &* C) {
        let w = weight + o &* C
        let (a0, a1, a2, a3) = headLanes(w, inp, C, head)
        let (a4, a5, a6, a7) = headLanes(w + 4 &* C, inp, C, head)
        let a = (a0, a1, a2, a3, a4, a5, a6, a7)
        var sums = SIMD8<Float>(repeating: -0.0)  // as `sum()` starts
        addColumns(&sums, transposed(lowHalves(a)), 8)
        addColumns(&sums, transposed(highHalves(a)), 8)
        if tail != 0 {
            // products[r][j] = w[o+r][head+j] · inp[head+j]; lanes j ≥ tail are never added
            let t = w + head
            @inline(__always) func p(_ r: Int) -> SIMD16<Float> { load(t, r &* C) * x }
            let products = (p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7))
            addColumns(&sums, transposed(lowHalves(products)), min(tail, 8))
            if tail > 8 { addColumns(&sums, transposed(highHalves(products)), tail &- 8) }
        }
        UnsafeMutableRawPointer(out + o).storeBytes(of: sums, as: SIMD8<Float>.self)
        o &+= 8
    }
    while o &+ 4 <= OC {  // four rows at once: independent accumulators, one pass over inp
        let w0 = weight + o &* C, w1 = w0 + C, w2 = w1 + C, w3 = w2 + C
        let (a0, a1, a2, a3) = headLanes(w0, inp, C, head)
        var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
        var i = head
        while i < C {
            s0 += w0[i] * inp[i]; s1 += w1[i] * inp[i]; s2 += w2[i] * inp[i]; s3 += w3[i] * inp[i]
            i &+= 1
        }
        out[o] = s0; out[o &+ 1] = s1; out[o &+ 2] = s2; out[o &+ 3] = s3
        o &+= 4
    }
    while o < OC {
        out[o] = dot(weight + o &* C, inp, C)
        o &+= 1
    }
    if let bias { accumulate(out, bias, OC) }
}

/// sums += c.0, c.1, … c.(n−1), in that order (1 ≤ n ≤ 8)
@inline(__always)
private func addColumns(_ sums: inout SIMD8<Float>, _ c: Block8, _ n: Int) {
    sums += c.0
    if n > 1 { sums += c.1 }
    if n > 2 { sums += c.2 }
    if n > 3 { sums += c.3 }
    if n > 4 { sums += c.4 }
    if n > 5 { sums += c.5 }
    if n > 6 { sums += c.6 }
    if n > 7 { sums += c.7 }
}

/// The 16-lane fused multiply-adds of rows w0, w0+C, w0+2C, w0+3C with inp over [0, head)
/// (head a multiple of 16), one accumulator per row: the part of four outputs before their sums.
@inline(__always)
private func headLanes(
    _ w0: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ C: Int, _ head: Int
) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
    let w1 = w0 + C, w2 = w1 + C, w3 = w2 + C
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
    var i = 0
    while i < head {
        let x = load(inp, i)
        a0.addProduct(x, load(w0, i))
        a1.addProduct(x, load(w1, i))
        a2.addProduct(x, load(w2, i))
        a3.addProduct(x, load(w3, i))
        i &+= 16
    }
    return (a0, a1, a2, a3)
}

private typealias Block8 = (
    SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>
)

private typealias Rows8 = (
    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>
)

/// Lanes 0..<8 of each of 8 rows.
@inline(__always)
private func lowHalves(_ v: Rows8) -> Block8 {
    (v.0.lowHalf, v.1.lowHalf, v.2.lowHalf, v.3.lowHalf, v.4.lowHalf, v.5.lowHalf, v.6.lowHalf, v.7.lowHalf)
}

/// Lanes 8..<16 of each of 8 rows.
@inline(__always)
private func highHalves(_ v: Rows8) -> Block8 {
    (v.0.highHalf, v.1.highHalf, v.2.highHalf, v.3.highHalf, v.4.highHalf, v.5.highHalf, v.6.highHalf, v.7.highHalf)
}

/// The 8×8 block v (v.r = row r) transposed: result.j lane r = v.r lane j. Rows are interleaved
/// in pairs, then in pairs of pairs, then 128-bit halves exchanged (the usual AVX transpose).
@inline(__always)
private func transposed(_ v: Block8) -> Block8 {
    typealias V = SIMD8<Float>
    @inline(__always) func lo(_ a: V, _ b: V) -> V { V(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]) }
    @inline(__always) func hi(_ a: V, _ b: V) -> V { V(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]) }
    @inline(__always) func pairsLo(_ a: V, _ b: V) -> V { V(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5]) }
    @inline(__always) func pairsHi(_ a: V, _ b: V) -> V { V(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7]) }
    @inline(__always) func halvesLo(_ a: V, _ b: V) -> V { V(lowHalf: a.lowHalf, highHalf: b.lowHalf) }
    @inline(__always) func halvesHi(_ a: V, _ b: V) -> V { V(lowHalf: a.highHalf, highHalf: b.highHalf) }
    let t0 = lo(v.0, v.1), t1 = hi(v.0, v.1), t2 = lo(v.2, v.3), t3 = hi(v.2, v.3)
    let t4 = lo(v.4, v.5), t5 = hi(v.4, v.5), t6 = lo(v.6, v.7), t7 = hi(v.6, v.7)
    let u0 = pairsLo(t0, t2), u1 = pairsHi(t0, t2), u2 = pairsLo(t1, t3), u3 = pairsHi(t1, t3)
    let u4 = pairsLo(t4, t6), u5 = pairsHi(t4, t6), u6 = pairsLo(t5, t7), u7 = pairsHi(t5, t7)
    return (halvesLo(u0, u4), halvesLo(u1, u5), halvesLo(u2, u6), halvesLo(u3, u7),
            halvesHi(u0, u4), halvesHi(u1, u5), halvesHi(u2, u6), halvesHi(u3, u7))
}
