// Layer and batch normalisation. N = rows (all leading axes flattened), C = channels (last axis).

/// out[N, C] = (inp − mean)·rstd·weight + bias per row; caches mean[N], rstd[N] = 1/√(var + eps)
/// (biased variance over the row). Four rows at a time (`laneSums`), then one at a time: the same bits.
package func layerNormForward(
    _ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
    _ N: Int, _ C: Int, eps: Float
) {
    @inline(__always) func normalize(_ r: Int, _ m: Float, _ v: Float) {
        let x = inp + r &* C, y = out + r &* C
        let s = 1 / (v / Float(C) + eps).squareRoot()
        for i in 0..<C { y[i] = (x[i] - m) * s * weight[i] + bias[i] }
        mean[r] = m
        rstd[r] = s
    }
    var r = 0
    while r &+ 4 <= N {
        let x = inp + r &* C
        let m = laneSums(C, { k, i in load(x + k &* C, i) }, { k, i in x[k &* C &+ i] }) / Float(C)
        let v = laneSums(C, { k, i in let d = load(x + k &* C, i) - m[k]; return d * d },
                         { k, i in let d = x[k &* C &+ i] - m[k]; return d * d })
        for k in 0..<4 { normalize(r &+ k, m[k], v[k]) }
        r &+= 4
    }
    while r < N {
        let x = inp + r &* C
        let m = laneSum(C, { load(x, $0) }, { x[$0] }) / Float(C)
        normalize(r, m, laneSum(C, { let d = load(x, $0) - m; return d * d }, { let d = x[$0] - m; return d * d }))
        r &+= 1
    }
}

/// With x̂ = (inp − mean)·rstd and g = dout·weight per row:
/// dinp (+)= rstd·(g − mean(g) − x̂·mean(g·x̂)) (= on its first contribution);  dweight += Σ_rows dout·x̂;
/// dbias += Σ_rows dout. The means four rows at a time (`laneSums`), then one at a time: the same bits.
package func layerNormBackward(
    _ dinp: GradientTarget?, _ dweight: UnsafeMutablePointer<Float>?,
    _ dbias: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
    _ N: Int, _ C: Int
) {
    /// Row r's share, given mean(g) and mean(g·x̂) (used only with dinp).
    @inline(__always) func backwardRow(_ r: Int, _ gMean: Float, _ gxMean: Float) {
        let x = inp + r &* C, dy = dout + r &* C
        let m = mean[r], s = rstd[r]
        if let dinp {
            let dx = dinp.pointer + r &* C
            if dinp.accumulate {
                for i in 0..<C { dx[i] += s * (dy[i] * weight[i] - gMean - (x[i] - m) * s * gxMean) }
            } else {
                for i in 0..<C { dx[i] = s * (dy[i] * weight[i] - gMean - (x[i] - m) * s * gxMean) }
            }
        }
        if let dweight { for i in 0..<C { dweight[i] += dy[i] * (x[i] - m) * s } }
        if let dbias { accumulate(dbias, dy, C) }
    }
    var r = 0
    while dinp != nil, r &+ 4 <= N {
        let x = inp + r &* C, dy = dout + r &* C
        let m = SIMD4(mean[r], mean[r &+ 1], mean[r &+ 2], mean[r &+ 3])
        let s = SIMD4(rstd[r], rstd[r &+ 1], rstd[r &+ 2], rstd[r &+ 3])
        let gMean = laneSums(C, { k, i in load(dy + k &* C, i) * load(weight, i) },
                             { k, i in dy[k &* C &+ i] * weight[i] }) / Float(C)
        let gxMean = laneSums(C, { k, i in load(dy + k &* C, i) * load(weight, i) * (load(x + k &* C, i) - m[k]) * s[k] },
                              { k, i in dy[k &* C &+ i] * weight[i] * (x[k &* C &+ i] - m[k]) * s[k] }) / Float(C)
        for k in 0..<4 { backwardRow(r &+ k, gMean[k], gxMean[k]) }
        r &+= 4
    }
    while r < N {
        let x = inp + r &* C, dy = dout + r &* C
        let m = mean[r], s = rstd[r]
        var gMean: Float = 0, gxMean: Float = 0
        if dinp != nil {
            gMean = laneSum(C, { load(dy, $0) * load(weight, $0) }, { dy[$0] * weight[$0] }) / Float(C)
            gxMean = laneSum(C, { load(dy, $0) * load(weight, $0) * (load(x, $0) - m) * s },
                             { dy[$0] * weight[$0] * (x[$0] - m) * s }) / Float(C)
        }
        backwardRow(r, gMean, gxMean)
        r &+= 1
    }
}

/// out[N, C] = (inp − mean)·rstd·gamma + beta per channel, statistics over the N rows;
/// writes mean[C], variance[C] (biased, /N) and caches rstd[C] = 1/√(variance + eps).
/// 32 channels at a time, as four 8-lane `Double` sums in registers (four independent chains of
/// additions down the rows); each channel's sums still run over the rows in order, so the
/// blocking does not change a bit.
package func batchNormForward(
    _ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>,
    _ variance: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>,
    _ N: Int, _ C: Int, eps: Float
) {
    let n = Double(N)
    @inline(__always) func statistics(_ lanes: ChannelGroup, _ c: Int) {
        var sums = lanes.zeros
        for r in 0..<N { lanes.add(inp + (r &* C &+ c), to: &sums) { SIMD8<Double>($0) } }
        let m = lanes.floats(sums, dividedBy: n)
        lanes.store(m, mean + c)
        sums = lanes.zeros
        for r in 0..<N {
            lanes.add(inp + (r &* C &+ c), to: &sums, minus: m) { d in let e = SIMD8<Double>(d); return e * e }
        }
        lanes.store(lanes.floats(sums, dividedBy: n), variance + c)
    }
    ChannelGroup.forEach(channels: C, statistics)
    for c in 0..<C { rstd[c] = 1 / (variance[c] + eps).squareRoot() }
    for r in 0..<N {
        let x = inp + r &* C, y = out + r &* C
        for c in 0..<C { y[c] = (x[c] - mean[c]) * rstd[c] * gamma[c] + beta[c] }
    }
}

/// With x̂ = (inp − mean)·rstd: dgamma += Σ_rows dout·x̂;  dbeta += Σ_rows dout;
/// dinp (+)= gamma·rstd/N · (N·dout − Σ_rows dout − x̂·Σ_rows dout·x̂) (= on its first contribution)
/// The sums 32 channels at a time, as `batchNormForward`.
package func batchNormBackward(
    _ dinp: GradientTarget?, _ dgamma: UnsafeMutablePointer<Float>?,
    _ dbeta: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ gamma: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
    _ N: Int, _ C: Int
) {
    let n = Float(N)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 &* C) { totals in
        let sumDy = totals.baseAddress!, sumDyXhat = sumDy + C, scale = sumDyXhat + C
        @inline(__always) func sums(_ lanes: ChannelGroup, _ c: Int) {
            var dySums = lanes.zeros, dyXhatSums = lanes.zeros
            for r in 0..<N {
                let o = r &* C &+ c
                lanes.add(dout + o, to: &dySums) { SIMD8<Double>($0) }
                lanes.add(dout + o, times: inp + o, mean + c, rstd + c, to: &dyXhatSums)
            }
            lanes.store(lanes.floats(dySums), sumDy + c)
            lanes.store(lanes.floats(dyXhatSums), sumDyXhat + c)
        }
        ChannelGroup.forEach(channels: C, sums)
        if let dgamma { for c in 0..<C { dgamma[c] += sumDyXhat[c] } }
        if let dbeta { for c in 0..<C { dbeta[c] += sumDy[c] } }
        guard let dinp else { return }
        // The factor gamma·rstd/N of each channel, once rather than once a row (the same bits).
        for c in 0..<C { scale[c] = gamma[c] * rstd[c] / n }
        for r in 0..<N {
            let x = inp + r &* C, dy = dout + r &* C, dx = dinp.pointer + r &* C
            @inline(__always) func derivative(_ c: Int) -> Float {
                let xhat = (x[c] - mean[c]) * rstd[c]
                return scale[c] * (n * dy[c] - sumDy[c] - xhat * sumDyXhat[c])
            }
            if dinp.accumulate {
                for c in 0..<C { dx[c] += derivative(c) }
            } else {
                for c in 0..<C { dx[c] = derivative(c) }
            }
        }
    }
}

/// Up to 32 consecutive channels of BatchNorm's statistics, as four 8-lane blocks whose sums
/// (one `SIMD8<Double>` each) are independent, so a row's four additions overlap.
private struct ChannelGroup {
    typealias Sums = (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>)
    typealias Blocks = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
    /// Channels in each block (8, or fewer in the last block of a row, or 0).
    let l0: Int, l1: Int, l2: Int, l3: Int

    /// Runs `body(group, c)` for each group of 32 channels from c = 0, then for the last, partial
    /// one. A whole group is built from the constant 32, so once `body` is inlined its lane
    /// counts are constants and the partial blocks' tests fold away.
    @inline(__always)
    static func forEach(channels: Int, _ body: (ChannelGroup, Int) -> Void) {
        var c = 0
        while c &+ 32 <= channels {
            body(ChannelGroup(channels: 32), c)
            c &+= 32
        }
        if c < channels { body(ChannelGroup(channels: channels &- c), c) }
    }

    @inline(__always)
    init(channels: Int) {
        l0 = min(8, channels)
        l1 = max(0, min(8, channels &- 8))
        l2 = max(0, min(8, channels &- 16))
        l3 = max(0, min(8, channels &- 24))
    }

    @inline(__always) var zeros: Sums { (.zero, .zero, .zero, .zero) }

    /// sums += f(p[block]) for each block.
    @inline(__always)
    func add(_ p: UnsafePointer<Float>, to sums: inout Sums, _ f: (SIMD8<Float>) -> SIMD8<Double>) {
        sums.0 += f(channelBlock(p, 0, l0))
        if l1 > 0 { sums.1 += f(channelBlock(p, 8, l1)) }
        if l2 > 0 { sums.2 += f(channelBlock(p, 16, l2)) }
        if l3 > 0 { sums.3 += f(channelBlock(p, 24, l3)) }
    }

    /// sums += f(p[block] − m[block]) for each block.
    @inline(__always)
    func add(_ p: UnsafePointer<Float>, to sums: inout Sums, minus m: Blocks, _ f: (SIMD8<Float>) -> SIMD8<Double>) {
        sums.0 += f(channelBlock(p, 0, l0) - m.0)
        if l1 > 0 { sums.1 += f(channelBlock(p, 8, l1) - m.1) }
        if l2 > 0 { sums.2 += f(channelBlock(p, 16, l2) - m.2) }
        if l3 > 0 { sums.3 += f(channelBlock(p, 24, l3) - m.3) }
    }

    /// sums += Double(dy·(x − mean)·rstd) for each block.
    @inline(__always)
    func add(_ dy: UnsafePointer<Float>, times x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>,
             _ rstd: UnsafePointer<Float>, to sums: inout Sums) {
        @inline(__always) func term(_ o: Int, _ lanes: Int) -> SIMD8<Double> {
            SIMD8<Double>(channelBlock(dy, o, lanes) * (channelBlock(x, o, lanes) - channelBlock(mean, o, lanes))
                          * channelBlock(rstd, o, lanes))
        }
        sums.0 += term(0, l0)
        if l1 > 0 { sums.1 += term(8, l1) }
        if l2 > 0 { sums.2 += term(16, l2) }
        if l3 > 0 { sums.3 += term(24, l3) }
    }

    /// Float(sums), block by block.
    @inline(__always)
    func floats(_ sums: Sums) -> Blocks {
        (SIMD8<Float>(sums.0), SIMD8<Float>(sums.1), SIMD8<Float>(sums.2), SIMD8<Float>(sums.3))
    }

    /// Float(sums / divisor), block by block.
    @inline(__always)
    func floats(_ sums: Sums, dividedBy divisor: Double) -> Blocks {
        (SIMD8<Float>(sums.0 / divisor), SIMD8<Float>(sums.1 / divisor), SIMD8<Float>(sums.2 / divisor), SIMD8<Float>(sums.3 / divisor))
    }

    /// Stores the group's channels of `blocks` at `p`.
    @inline(__always)
    func store(_ blocks: Blocks, _ p: UnsafeMutablePointer<Float>) {
        storeChannelBlock(blocks.0, p, 0, l0)
        storeChannelBlock(blocks.1, p, 8, l1)
        storeChannelBlock(blocks.2, p, 16, l2)
        storeChannelBlock(blocks.3, p, 24, l3)
    }
}

/// `p[i ..< i + lanes]` (lanes ≤ 8) in the first lanes of a vector, zeros after.
@inline(__always)
private func channelBlock(_ p: UnsafePointer<Float>, _ i: Int, _ lanes: Int) -> SIMD8<Float> {
    lanes == 8 ? UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) : loadPartial(p + i, lanes)
}

/// Stores the first `lanes` (≤ 8) lanes of `v` at `p + i`.
@inline(__always)
private func storeChannelBlock(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
    } else {
        storePartial(v, p + i, lanes)
    }
}
