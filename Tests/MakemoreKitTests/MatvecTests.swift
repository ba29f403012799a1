import Testing
import MakemoreKernels
@testable import MakemoreKit

/// `matvecForward` gives every output the same bits on each of its paths (16-row blocks with the
/// tails turned into lanes, 4-row blocks, single rows): the 16-lane fused multiply-add over the
/// row's whole vectors, summed by `SIMD16.sum()`, then the remaining products added in order.
@Suite struct MatvecTests {
    /// The order the kernel promises, one output at a time.
    static func reference(_ w: [Float], _ x: [Float], _ bias: [Float]?, C: Int, OC: Int) -> [Float] {
        let head = C - C % 16
        return (0..<OC).map { o in
            var lanes = SIMD16<Float>()
            for i in stride(from: 0, to: head, by: 16) {
                lanes.addProduct(SIMD16(x[i..<i + 16]), SIMD16(w[o * C + i..<o * C + i + 16]))
            }
            var s = lanes.sum()
            for i in head..<C { s += w[o * C + i] * x[i] }
            if let bias { s += bias[o] }
            return s
        }
    }

    @Test(arguments: [(30, 200), (200, 27), (14, 40), (1, 33), (16, 20), (47, 16), (64, 27), (31, 17), (5, 3)])
    func sameBitsAsTheScalarOrder(C: Int, OC: Int) {
        var generator = RandomGenerator(seed: UInt64(C * 1000 + OC))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let w = random(OC * C), x = random(C), bias = random(OC)
        for b in [nil, bias] {
            var out = [Float](repeating: .nan, count: OC)
            w.withUnsafeBufferPointer { w in
                x.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { out in
                        if let b {
                            b.withUnsafeBufferPointer { matvecForward(out.baseAddress!, x.baseAddress!, w.baseAddress!, $0.baseAddress!, C, OC) }
                        } else {
                            matvecForward(out.baseAddress!, x.baseAddress!, w.baseAddress!, nil, C, OC)
                        }
                    }
                }
            }
            let expected = Self.reference(w, x, b, C: C, OC: OC)
            #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "C \(C), OC \(OC), bias \(b != nil)")
        }
    }
}
