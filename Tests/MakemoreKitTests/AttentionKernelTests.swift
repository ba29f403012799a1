import Foundation
import Testing
import MakemoreKernels
@testable import MakemoreKit

/// The fused attention kernels, bit for bit against their order of operations written out one
/// head at a time: with heads of whole 16-lane vectors (16 and 32) they sum an output row
/// (forward) and dq's row (backward, heads of 16) over the keys in registers, which must equal
/// the axpy into memory that the other head sizes (8 and 24) run, written out here with the
/// kernels' own helpers (`dot`, `axpy`, `VectorMath.exp`, `sumForward`) in the kernels' order,
/// one `dot` per key where the kernels take the scores four keys at a time (`dots`).
@Suite struct AttentionKernelTests {
    /// Sequences of 5, 1, 18 and 16 positions: rows shorter and longer than a vector.
    static let starts = [0, 5, 6, 24, 40]

    /// Numbers of heads and head sizes: the kernels take every head of a position step by step
    /// together, so one, an odd number and several heads, each at every head size.
    static let shapes = [1, 2, 3, 4].flatMap { heads in [8, 16, 24, 32].map { (heads, $0) } }

    /// exp(p[j]) for j < count, as the kernel's vector exponential gives each lane.
    static func exponentiate(_ p: inout [Float], count: Int) {
        for j in 0..<count { p[j] = VectorMath.exp(SIMD16(repeating: p[j]))[0] }
    }

    /// The forward in the order of the axpy path: out[N, C], lse[N, NH].
    static func referenceForward(_ qkv: [Float], heads: Int, headSize: Int, scale: Float, dropout: HashedDropoutMask?) -> ([Float], [Float]) {
        let c = heads * headSize, c3 = 3 * c, n = starts.last!
        var out = [Float](repeating: .nan, count: n * c), lse = [Float](repeating: .nan, count: n * heads)
        qkv.withUnsafeBufferPointer { qkv in
            out.withUnsafeMutableBufferPointer { out in
                let qkv = qkv.baseAddress!, out = out.baseAddress!
                for s in 0..<(starts.count - 1) {
                    let first = starts[s]
                    for h in 0..<heads {
                        for t in 0..<(starts[s + 1] - first) {
                            let q = qkv + (first + t) * c3 + h * headSize, k0 = qkv + first * c3 + c + h * headSize, v0 = k0 + c
                            var p = (0...t).map { j in scale * dot(q, k0 + j * c3, headSize) }
                            let m = p.max()!
                            for j in 0...t { p[j] -= m }
                            exponentiate(&p, count: t + 1)
                            let sum = sumForward(p, t + 1), inverse = Float(1 / sum), row = (first + t) * heads + h
                            let o = out + (first + t) * c + h * headSize
                            o.update(repeating: 0, count: headSize)
                            for j in 0...t { axpy(o, v0 + j * c3, p[j] * inverse * (dropout?.factor(row: row, key: j) ?? 1), headSize) }
                            lse[row] = m + Float(Foundation.log(sum))
                        }
                    }
                }
            }
        }
        return (out, lse)
    }

    /// The backward in the order of the axpy path, accumulated into dqkv.
    static func referenceBackward(
        _ dqkv: inout [Float], _ dout: [Float], _ out: [Float], _ lse: [Float], _ qkv: [Float],
        heads: Int, headSize: Int, scale: Float, dropout: HashedDropoutMask?
    ) {
        let c = heads * headSize, c3 = 3 * c
        qkv.withUnsafeBufferPointer { qkv in
            dout.withUnsafeBufferPointer { dout in
                out.withUnsafeBufferPointer { out in
                    dqkv.withUnsafeMutableBufferPointer { dqkv in
                        let (qkv, dout, out, dqkv) = (qkv.baseAddress!, dout.baseAddress!, out.baseAddress!, dqkv.baseAddress!)
                        for s in 0..<(starts.count - 1) {
                            let first = starts[s]
                            for h in 0..<heads {
                                let offset = first * c3 + h * headSize
                                let k0 = qkv + offset + c, v0 = k0 + c, dk0 = dqkv + offset + c, dv0 = dk0 + c
                                for t in 0..<(starts[s + 1] - first) {
                                    let q = qkv + offset + t * c3, dq = dqkv + offset + t * c3
                                    let dy = dout + (first + t) * c + h * headSize
                                    let d = dot(dy, out + (first + t) * c + h * headSize, headSize)
                                    let row = (first + t) * heads + h
                                    var p = (0...t).map { j in scale * dot(q, k0 + j * c3, headSize) - lse[row] }
                                    exponentiate(&p, count: t + 1)
                                    for j in 0...t {
                                        let m = dropout?.factor(row: row, key: j) ?? 1
                                        let ds = scale * p[j] * (m * dot(dy, v0 + j * c3, headSize) - d)
                                        axpy(dv0 + j * c3, dy, p[j] * m, headSize)
                                        axpy(dq, k0 + j * c3, ds, headSize)
                                        axpy(dk0 + j * c3, q, ds, headSize)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dots` gives four `dot`s bit for bit, tails (n not a multiple of 16) and signed zeros included.
    @Test func fourDotsAtOnceAreFourDots() {
        var generator = RandomGenerator(seed: 5)
        for n in [0, 1, 7, 16, 21, 32, 45] {
            let stride = n + 3
            var a = (0..<n).map { _ in Float(generator.uniform() * 2 - 1) }
            var b = (0..<(4 * stride)).map { _ in Float(generator.uniform() * 2 - 1) }
            if n > 0 { a[0] = -0.0; b[stride] = 0; b[2 * stride] = -1e-30; a[n - 1] = 1e-30 }
            let expected = (0..<4).map { i in dot(a, Array(b[(i * stride)...]), n).bitPattern }
            let got = dots(a, b, stride: stride, n)
            #expect((0..<4).map { got[$0].bitPattern } == expected, "n = \(n)")
        }
    }

    @Test(arguments: shapes)
    func wholeVectorHeadsKeepTheAxpyOrder(heads: Int, headSize: Int) {
        let c = heads * headSize, n = Self.starts.last!, scale = 1 / Float(headSize).squareRoot()
        var generator = RandomGenerator(seed: 11)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let qkv = random(n * 3 * c), dout = random(n * c), dqkv0 = random(n * 3 * c)
        for dropout in [nil, HashedDropoutMask(seed: 3, threshold: 1 << 30, keep: 4 / 3)] {
            let (expectedOut, expectedLSE) = Self.referenceForward(qkv, heads: heads, headSize: headSize, scale: scale, dropout: dropout)
            var out = [Float](repeating: .nan, count: n * c), lse = [Float](repeating: .nan, count: n * heads)
            attentionForward(&out, &lse, qkv, Self.starts, heads, headSize, scale: scale, dropout: dropout)
            #expect(out.map(\.bitPattern) == expectedOut.map(\.bitPattern), "forward, \(heads) heads of \(headSize), dropout \(dropout != nil)")
            #expect(lse.map(\.bitPattern) == expectedLSE.map(\.bitPattern), "log-sum-exp, \(heads) heads of \(headSize), dropout \(dropout != nil)")

            var expected = dqkv0, dqkv = dqkv0
            Self.referenceBackward(&expected, dout, out, lse, qkv, heads: heads, headSize: headSize, scale: scale, dropout: dropout)
            attentionBackward(&dqkv, dout, out, lse, qkv, Self.starts, heads, headSize, scale: scale, dropout: dropout)
            #expect(dqkv.map(\.bitPattern) == expected.map(\.bitPattern), "backward, \(heads) heads of \(headSize), dropout \(dropout != nil)")
        }
    }

    /// Incremental decoding's rows (every position of the 18-long sequence, in a cache slot) are
    /// bit for bit the forward's rows: the same steps for every head.
    @Test(arguments: shapes)
    func lastRowsAreTheForwardsRows(heads: Int, headSize: Int) {
        let c = heads * headSize, c3 = 3 * c, first = Self.starts[2], length = Self.starts[3] - first, n = Self.starts.last!
        var generator = RandomGenerator(seed: 13)
        let qkv = (0..<(n * c3)).map { _ in Float(generator.uniform() * 2 - 1) }
        var out = [Float](repeating: .nan, count: n * c), lse = [Float](repeating: .nan, count: n * heads)
        attentionForward(&out, &lse, qkv, Self.starts, heads, headSize, scale: 0.25, dropout: nil)
        // Slot 1 of two holds the sequence; slot 0 stays NaN, never read.
        let cache = [Float](repeating: .nan, count: length * c3) + qkv[(first * c3)..<((first + length) * c3)]
        var rows = [Float](repeating: .nan, count: length * c)
        attentionLastRowsForward(&rows, cache, Array(repeating: 1, count: length), Array(0..<length), length, heads, headSize, scale: 0.25)
        #expect(rows.map(\.bitPattern) == out[(first * c)..<((first + length) * c)].map(\.bitPattern), "\(heads) heads of \(headSize)")
    }
}
