import Foundation
import Testing
import MakemoreKernels
@testable import MakemoreKit

/// The MLP step's kernels (BatchNorm's forward and backward, cross-entropy's forward, the
/// transcendental maps) were rewritten for speed with the same operations in the same order per
/// element: each must give the bits of the formula it replaced, kept here as the oracle, on
/// sizes around the kernels' blocks (8- and 32-channel groups, 16-lane vectors).
@Suite struct MLPKernelBitsTests {
    static func values(_ count: Int, seed: UInt64, scale: Float = 2) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in scale * Float(generator.normal()) }
    }

    static let shapes: [(n: Int, c: Int)] = [(1, 1), (2, 7), (3, 8), (5, 31), (4, 32), (3, 33), (32, 200), (7, 65), (9, 71)]

    /// The previous batchNormForward, channel by channel: the sums in `Double` over the rows in order.
    static func referenceForward(_ x: [Float], _ gamma: [Float], _ beta: [Float], n: Int, c: Int, eps: Float)
        -> (out: [Float], mean: [Float], variance: [Float], rstd: [Float]) {
        var mean = [Float](repeating: 0, count: c), variance = mean, rstd = mean
        for j in 0..<c {
            var s = 0.0
            for r in 0..<n { s += Double(x[r * c + j]) }
            mean[j] = Float(s / Double(n))
            s = 0
            for r in 0..<n { let e = Double(x[r * c + j] - mean[j]); s += e * e }
            variance[j] = Float(s / Double(n))
            rstd[j] = 1 / (variance[j] + eps).squareRoot()
        }
        var out = [Float](repeating: 0, count: n * c)
        for r in 0..<n {
            for j in 0..<c { out[r * c + j] = (x[r * c + j] - mean[j]) * rstd[j] * gamma[j] + beta[j] }
        }
        return (out, mean, variance, rstd)
    }

    @Test func batchNormForwardKeepsTheReferenceBits() {
        for (n, c) in Self.shapes {
            let x = Self.values(n * c, seed: UInt64(n * 1000 + c)), gamma = Self.values(c, seed: 1), beta = Self.values(c, seed: 2)
            let expected = Self.referenceForward(x, gamma, beta, n: n, c: c, eps: 1e-5)
            var out = [Float](repeating: .nan, count: n * c), mean = [Float](repeating: .nan, count: c), variance = mean, rstd = mean
            batchNormForward(&out, &mean, &variance, &rstd, x, gamma, beta, n, c, eps: 1e-5)
            #expect(out.map(\.bitPattern) == expected.out.map(\.bitPattern), "out, \(n)x\(c)")
            #expect(mean.map(\.bitPattern) == expected.mean.map(\.bitPattern), "mean, \(n)x\(c)")
            #expect(variance.map(\.bitPattern) == expected.variance.map(\.bitPattern), "variance, \(n)x\(c)")
            #expect(rstd.map(\.bitPattern) == expected.rstd.map(\.bitPattern), "rstd, \(n)x\(c)")
        }
    }

    @Test(arguments: [false, true])
    func batchNormBackwardKeepsTheReferenceBits(accumulate: Bool) {
        for (n, c) in Self.shapes {
            let x = Self.values(n * c, seed: UInt64(n * 1000 + c)), dy = Self.values(n * c, seed: 9, scale: 0.1)
            let gamma = Self.values(c, seed: 1), beta = Self.values(c, seed: 2)
            let forward = Self.referenceForward(x, gamma, beta, n: n, c: c, eps: 1e-5)
            let mean = forward.mean, rstd = forward.rstd
            // The previous batchNormBackward, channel by channel.
            let start = Self.values(n * c, seed: 5), dgammaStart = Self.values(c, seed: 6), dbetaStart = Self.values(c, seed: 7)
            var expectedDx = start, expectedDgamma = dgammaStart, expectedDbeta = dbetaStart
            var sumDy = [Float](repeating: 0, count: c), sumDyXhat = sumDy
            for j in 0..<c {
                var a = 0.0, b = 0.0
                for r in 0..<n {
                    a += Double(dy[r * c + j])
                    b += Double(dy[r * c + j] * (x[r * c + j] - mean[j]) * rstd[j])
                }
                sumDy[j] = Float(a); sumDyXhat[j] = Float(b)
                expectedDgamma[j] += sumDyXhat[j]
                expectedDbeta[j] += sumDy[j]
            }
            let count = Float(n)
            for r in 0..<n {
                for j in 0..<c {
                    let i = r * c + j, xhat = (x[i] - mean[j]) * rstd[j]
                    let d = gamma[j] * rstd[j] / count * (count * dy[i] - sumDy[j] - xhat * sumDyXhat[j])
                    if accumulate { expectedDx[i] += d } else { expectedDx[i] = d }
                }
            }
            var dx = start, dgamma = dgammaStart, dbeta = dbetaStart
            dx.withUnsafeMutableBufferPointer { dx in
                batchNormBackward(GradientTarget(pointer: dx.baseAddress!, accumulate: accumulate), &dgamma, &dbeta,
                                  dy, x, gamma, mean, rstd, n, c)
            }
            #expect(dx.map(\.bitPattern) == expectedDx.map(\.bitPattern), "dx, \(n)x\(c)")
            #expect(dgamma.map(\.bitPattern) == expectedDgamma.map(\.bitPattern), "dgamma, \(n)x\(c)")
            #expect(dbeta.map(\.bitPattern) == expectedDbeta.map(\.bitPattern), "dbeta, \(n)x\(c)")
        }
    }

    @Test func crossEntropyForwardKeepsTheReferenceBits() {
        for (n, v) in [(1, 1), (3, 5), (2, 16), (32, 27), (5, 33), (4, 17)] {
            let logits = Self.values(n * v, seed: UInt64(n * 100 + v), scale: 3)
            let targets = (0..<n).map { Int32($0 % 3 == 2 ? -1 : ($0 * 7) % v) }
            // The previous crossEntropyForward: exponentiateShifted row by row.
            var expected = [Float](repeating: .nan, count: n * v), expectedLoss = 0.0, expectedValid = 0
            logits.withUnsafeBufferPointer { x in
                expected.withUnsafeMutableBufferPointer { p in
                    for r in 0..<n {
                        let row = p.baseAddress! + r * v, logitsRow = x.baseAddress! + r * v
                        let (maxValue, sum) = exponentiateShifted(row, logitsRow, v)
                        let scale = Float(1 / sum)
                        for i in 0..<v { row[i] *= scale }
                        guard targets[r] != -1 else { continue }
                        expectedLoss += Foundation.log(sum) - Double(logitsRow[Int(targets[r])] - maxValue)
                        expectedValid += 1
                    }
                }
            }
            var probs = [Float](repeating: .nan, count: n * v)
            let (loss, valid) = crossEntropyForward(&probs, logits, targets, n, v, ignoreIndex: -1)
            #expect(probs.map(\.bitPattern) == expected.map(\.bitPattern), "probs, \(n)x\(v)")
            #expect(loss.bitPattern == expectedLoss.bitPattern && valid == expectedValid, "loss, \(n)x\(v)")
        }
    }

    /// The maps over buffers give, lane for lane, the vector functions' bits, tails included.
    @Test func vectorMathMapsKeepTheVectorFunctionsBits() {
        for count in [1, 15, 16, 17, 27, 33, 200] {
            let x = Self.values(count, seed: UInt64(count), scale: 4)
            var padded = x + [Float](repeating: 0, count: 16)
            padded.removeLast(padded.count - (count + 15) / 16 * 16)
            let functions: [(String, (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, (SIMD16<Float>) -> SIMD16<Float>)] = [
                ("exp", { VectorMath.exp($0, $1, count: $2) }, VectorMath.exp),
                ("tanh", { VectorMath.tanh($0, $1, count: $2) }, VectorMath.tanh),
                ("sigmoid", { VectorMath.sigmoid($0, $1, count: $2) }, VectorMath.sigmoid),
            ]
            for (name, map, lanes) in functions {
                var y = [Float](repeating: .nan, count: count)
                map(x, &y, count)
                let expected = stride(from: 0, to: count, by: 16).flatMap { i in
                    let v = lanes(SIMD16<Float>(padded[i..<i + 16]))
                    return (0..<min(16, count - i)).map { v[$0] }
                }
                #expect(y.map(\.bitPattern) == expected.map(\.bitPattern), "\(name), \(count)")
            }
        }
    }
}
