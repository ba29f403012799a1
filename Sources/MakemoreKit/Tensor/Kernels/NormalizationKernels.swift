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
/// writes mean[C], variance[C] (biased, /N) and caches rstd[C] = 1/√(variance + eps)
func batchNormForward(
    _ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>,
    _ variance: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>,
    _ N: Int, _ C: Int, eps: Float
) {
    var acc = [Double](repeating: 0, count: C)
    acc.withUnsafeMutableBufferPointer { a in
        for r in 0..<N { let x = inp + r &* C; for c in 0..<C { a[c] += Double(x[c]) } }
        for c in 0..<C { mean[c] = Float(a[c] / Double(N)); a[c] = 0 }
        for r in 0..<N {
            let x = inp + r &* C
            for c in 0..<C { let d = Double(x[c] - mean[c]); a[c] += d * d }
        }
        for c in 0..<C {
            variance[c] = Float(a[c] / Double(N))
            rstd[c] = 1 / (variance[c] + eps).squareRoot()
        }
    }
    for r in 0..<N {
        let x = inp + r &* C, y = out + r &* C
        for c in 0..<C { y[c] = (x[c] - mean[c]) * rstd[c] * gamma[c] + beta[c] }
    }
}

/// With x̂ = (inp − mean)·rstd: dgamma += Σ_rows dout·x̂;  dbeta += Σ_rows dout;
/// dinp += gamma·rstd/N · (N·dout − Σ_rows dout − x̂·Σ_rows dout·x̂)
func batchNormBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dgamma: UnsafeMutablePointer<Float>?,
    _ dbeta: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ gamma: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
    _ N: Int, _ C: Int
) {
    var sums = [Double](repeating: 0, count: 2 &* C)  // Σ dout, then Σ dout·x̂
    sums.withUnsafeMutableBufferPointer { s in
        let sdy = s.baseAddress!, sdyx = sdy + C
        for r in 0..<N {
            let x = inp + r &* C, dy = dout + r &* C
            for c in 0..<C {
                sdy[c] += Double(dy[c])
                sdyx[c] += Double(dy[c] * (x[c] - mean[c]) * rstd[c])
            }
        }
        if let dgamma { for c in 0..<C { dgamma[c] += Float(sdyx[c]) } }
        if let dbeta { for c in 0..<C { dbeta[c] += Float(sdy[c]) } }
        guard let dinp else { return }
        let n = Float(N)
        for r in 0..<N {
            let x = inp + r &* C, dy = dout + r &* C, dx = dinp + r &* C
            for c in 0..<C {
                let xhat = (x[c] - mean[c]) * rstd[c]
                dx[c] += gamma[c] * rstd[c] / n * (n * dy[c] - Float(sdy[c]) - xhat * Float(sdyx[c]))
            }
        }
    }
}
