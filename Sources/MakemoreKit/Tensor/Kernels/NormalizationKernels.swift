// Layer and batch normalisation. N = rows (all leading axes flattened), C = channels (last axis).

/// out[N, C] = (inp − mean)·rstd·weight + bias per row; caches mean[N], rstd[N] = 1/√(var + eps)
/// (biased variance over the row)
func layerNormForward(
    _ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
    _ N: Int, _ C: Int, eps: Float
) {
    for r in 0..<N {
        let x = inp + r &* C, y = out + r &* C
        let m = laneSum(C, { load(x, $0) }, { x[$0] }) / Float(C)
        let v = laneSum(C, { let d = load(x, $0) - m; return d * d }, { let d = x[$0] - m; return d * d })
        let s = 1 / (v / Float(C) + eps).squareRoot()
        for i in 0..<C { y[i] = (x[i] - m) * s * weight[i] + bias[i] }
        mean[r] = m
        rstd[r] = s
    }
}

/// With x̂ = (inp − mean)·rstd and g = dout·weight per row:
/// dinp += rstd·(g − mean(g) − x̂·mean(g·x̂));  dweight += Σ_rows dout·x̂;  dbias += Σ_rows dout
func layerNormBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?,
    _ dbias: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
    _ N: Int, _ C: Int
) {
    for r in 0..<N {
        let x = inp + r &* C, dy = dout + r &* C
        let m = mean[r], s = rstd[r]
        if let dinp {
            let gMean = laneSum(C, { load(dy, $0) * load(weight, $0) }, { dy[$0] * weight[$0] }) / Float(C)
            let gxMean = laneSum(C, { load(dy, $0) * load(weight, $0) * (load(x, $0) - m) * s },
                                 { dy[$0] * weight[$0] * (x[$0] - m) * s }) / Float(C)
            let dx = dinp + r &* C
            for i in 0..<C {
                let xhat = (x[i] - m) * s
                dx[i] += s * (dy[i] * weight[i] - gMean - xhat * gxMean)
            }
        }
        if let dweight { for i in 0..<C { dweight[i] += dy[i] * (x[i] - m) * s } }
        if let dbias { accumulate(dbias, dy, C) }
    }
}

/// out[N, C] = (inp − mean)·rstd·gamma + beta per channel, statistics over the N rows;
/// writes mean[C], variance[C] (biased, /N) and caches rstd[C] = 1/√(variance + eps).
/// Eight channels at a time, each block's sums in registers (`Double`); every channel's sums
/// still run over the rows in order, so the blocking does not change a bit.
func batchNormForward(
    _ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>,
    _ variance: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>,
    _ N: Int, _ C: Int, eps: Float
) {
    let n = Double(N)
    for c in stride(from: 0, to: C, by: 8) {
        let lanes = min(8, C &- c)
        var sum = SIMD8<Double>()
        for r in 0..<N { sum += SIMD8<Double>(channelBlock(inp, r &* C &+ c, lanes)) }
        let m = SIMD8<Float>(sum / n)
        var squares = SIMD8<Double>()
        for r in 0..<N {
            let d = SIMD8<Double>(channelBlock(inp, r &* C &+ c, lanes) - m)
            squares += d * d
        }
        let v = SIMD8<Float>(squares / n)
        var s = SIMD8<Float>()
        for i in 0..<lanes { s[i] = 1 / (v[i] + eps).squareRoot() }
        storeChannelBlock(m, mean, c, lanes)
        storeChannelBlock(v, variance, c, lanes)
        storeChannelBlock(s, rstd, c, lanes)
        let g = channelBlock(gamma, c, lanes), b = channelBlock(beta, c, lanes)
        for r in 0..<N {
            let x = channelBlock(inp, r &* C &+ c, lanes)
            storeChannelBlock((x - m) * s * g + b, out, r &* C &+ c, lanes)
        }
    }
}

/// With x̂ = (inp − mean)·rstd: dgamma += Σ_rows dout·x̂;  dbeta += Σ_rows dout;
/// dinp += gamma·rstd/N · (N·dout − Σ_rows dout − x̂·Σ_rows dout·x̂)
/// Eight channels at a time, as `batchNormForward`.
func batchNormBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dgamma: UnsafeMutablePointer<Float>?,
    _ dbeta: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ gamma: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
    _ N: Int, _ C: Int
) {
    let n = Float(N)
    for c in stride(from: 0, to: C, by: 8) {
        let lanes = min(8, C &- c)
        let m = channelBlock(mean, c, lanes), s = channelBlock(rstd, c, lanes)
        var sdy = SIMD8<Double>(), sdyx = SIMD8<Double>()
        for r in 0..<N {
            let x = channelBlock(inp, r &* C &+ c, lanes), dy = channelBlock(dout, r &* C &+ c, lanes)
            sdy += SIMD8<Double>(dy)
            sdyx += SIMD8<Double>(dy * (x - m) * s)
        }
        let sumDy = SIMD8<Float>(sdy), sumDyXhat = SIMD8<Float>(sdyx)
        if let dgamma { storeChannelBlock(channelBlock(dgamma, c, lanes) + sumDyXhat, dgamma, c, lanes) }
        if let dbeta { storeChannelBlock(channelBlock(dbeta, c, lanes) + sumDy, dbeta, c, lanes) }
        guard let dinp else { continue }
        let g = channelBlock(gamma, c, lanes)
        for r in 0..<N {
            let o = r &* C &+ c
            let x = channelBlock(inp, o, lanes), dy = channelBlock(dout, o, lanes)
            let xhat = (x - m) * s
            storeChannelBlock(channelBlock(dinp, o, lanes) + g * s / n * (n * dy - sumDy - xhat * sumDyXhat), dinp, o, lanes)
        }
    }
}

/// `p[i ..< i + lanes]` (lanes ≤ 8) in the first lanes of a vector, zeros after.
@inline(__always)
private func channelBlock(_ p: UnsafePointer<Float>, _ i: Int, _ lanes: Int) -> SIMD8<Float> {
    if lanes == 8 { return UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>()
    for lane in 0..<lanes { v[lane] = p[i &+ lane] }
    return v
}

/// Stores the first `lanes` (≤ 8) lanes of `v` at `p + i`.
@inline(__always)
private func storeChannelBlock(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
    } else {
        for lane in 0..<lanes { p[i &+ lane] = v[lane] }
    }
}
