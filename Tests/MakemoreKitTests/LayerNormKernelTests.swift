import Testing
import MakemoreKernels
@testable import MakemoreKit

/// The LayerNorm kernels take their row sums four rows at a time (`laneSums`): bit for bit the
/// one-row-at-a-time loops written out here (the kernels' previous code), on row counts with and
/// without a partial block of four and channel counts with and without a partial 16-lane vector.
@Suite struct LayerNormKernelTests {
    static func referenceForward(_ x: [Float], _ w: [Float], _ b: [Float], _ N: Int, _ C: Int, eps: Float)
        -> (out: [Float], mean: [Float], rstd: [Float])
    {
        var out = [Float](repeating: .nan, count: N * C), mean = [Float](repeating: .nan, count: N), rstd = mean
        x.withUnsafeBufferPointer { x in
            for r in 0..<N {
                let x = x.baseAddress! + r * C
                let m = laneSum(C, { load(x, $0) }, { x[$0] }) / Float(C)
                let v = laneSum(C, { let d = load(x, $0) - m; return d * d }, { let d = x[$0] - m; return d * d })
                let s = 1 / (v / Float(C) + eps).squareRoot()
                for i in 0..<C { out[r * C + i] = (x[i] - m) * s * w[i] + b[i] }
                mean[r] = m
                rstd[r] = s
            }
        }
        return (out, mean, rstd)
    }

    static func referenceBackward(
        _ dx: inout [Float], accumulate: Bool, _ dw: inout [Float], _ db: inout [Float], _ dout: [Float], _ x: [Float],
        _ w: [Float], _ mean: [Float], _ rstd: [Float], _ N: Int, _ C: Int
    ) {
        dout.withUnsafeBufferPointer { dout in
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { weight in
                    let weight = weight.baseAddress!
                    for r in 0..<N {
                        let x = x.baseAddress! + r * C, dy = dout.baseAddress! + r * C
                        let m = mean[r], s = rstd[r]
                        let gMean = laneSum(C, { load(dy, $0) * load(weight, $0) }, { dy[$0] * weight[$0] }) / Float(C)
                        let gxMean = laneSum(C, { load(dy, $0) * load(weight, $0) * (load(x, $0) - m) * s },
                                             { dy[$0] * weight[$0] * (x[$0] - m) * s }) / Float(C)
                        for i in 0..<C {
                            let d = s * (dy[i] * weight[i] - gMean - (x[i] - m) * s * gxMean)
                            if accumulate { dx[r * C + i] += d } else { dx[r * C + i] = d }
                            dw[i] += dy[i] * (x[i] - m) * s
                            db[i] += dy[i]
                        }
                    }
                }
            }
        }
    }

    /// `orderedSum`, the kernels' inlined lane sum, is `sum()` bit for bit (signed zeros included).
    @Test func orderedSumIsSum() {
        var generator = RandomGenerator(seed: 9)
        for trial in 0..<2000 {
            var v = SIMD16<Float>()
            for lane in 0..<16 { v[lane] = Float(generator.uniform() * 2 - 1) * Float(1 << ((lane + trial) % 24)) }
            if trial % 3 == 0 { for lane in 0..<16 where lane % 2 == trial % 2 { v[lane] = -0.0 } }
            if trial % 7 == 0 { v = SIMD16(repeating: -0.0) }
            #expect(orderedSum(v).bitPattern == v.sum().bitPattern)
        }
    }

    @Test(arguments: [1, 3, 4, 5, 8, 11], [5, 16, 21, 64, 67])
    func fourRowsAtOnceKeepTheBits(rows N: Int, channels C: Int) {
        var generator = RandomGenerator(seed: UInt64(N * 100 + C))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 4 - 1) } }
        let x = random(N * C), w = random(C), b = random(C), dout = random(N * C), dx0 = random(N * C)
        let dw0 = random(C), db0 = random(C)
        let expected = Self.referenceForward(x, w, b, N, C, eps: 1e-5)
        var out = [Float](repeating: .nan, count: N * C), mean = [Float](repeating: .nan, count: N), rstd = mean
        layerNormForward(&out, &mean, &rstd, x, w, b, N, C, eps: 1e-5)
        #expect(out.map(\.bitPattern) == expected.out.map(\.bitPattern))
        #expect(mean.map(\.bitPattern) == expected.mean.map(\.bitPattern))
        #expect(rstd.map(\.bitPattern) == expected.rstd.map(\.bitPattern))

        for accumulate in [false, true] {
            var dx = dx0, dw = dw0, db = db0, ex = dx0, ew = dw0, eb = db0
            Self.referenceBackward(&ex, accumulate: accumulate, &ew, &eb, dout, x, w, mean, rstd, N, C)
            dx.withUnsafeMutableBufferPointer { dxp in
                layerNormBackward(GradientTarget(pointer: dxp.baseAddress!, accumulate: accumulate), &dw, &db,
                                  dout, x, w, mean, rstd, N, C)
            }
            #expect(dx.map(\.bitPattern) == ex.map(\.bitPattern), "dx, accumulate \(accumulate)")
            #expect(dw.map(\.bitPattern) == ew.map(\.bitPattern), "dweight")
            #expect(db.map(\.bitPattern) == eb.map(\.bitPattern), "dbias")
        }
    }
}
