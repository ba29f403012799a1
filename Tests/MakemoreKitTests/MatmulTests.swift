import Testing
import MakemoreKernels
@testable import MakemoreKit

@Test func referenceMatmulSmall() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]  // (2, 3)
    let b: [Float] = [7, 8, 9, 10, 11, 12]  // (3, 2)
    var c = [Float](repeating: 0, count: 4)
    ReferenceMatmul.nn(a, b, &c, m: 2, n: 2, k: 3)
    #expect(c == [58, 64, 139, 154])
}

@Suite struct MatmulTests {
    typealias Variant = Matmul.Layout

    /// Guard values written past the end of `c`; any kernel write beyond `c` changes them.
    static let guardCount = 40
    static let guardValue: Float = -12345

    /// Runs `Matmul` (plain when `batch` is nil, else batched) and `ReferenceMatmul` on the same
    /// random data and checks every element of the checked rows within 1e-5 of the magnitude of
    /// its dot product (Σ|a||b| plus the accumulated |c|), and that nothing past `c` was written.
    /// `sampledRows` checks only tile and share boundaries, keeping big shapes fast in debug.
    static func check(
        _ variant: Variant, batch: Int? = nil, m: Int, n: Int, k: Int, accumulate: Bool,
        maxThreads: Int? = nil, forcedThreads: Int? = nil, sampledRows: Bool = false, seed: UInt64 = 1
    ) {
        let items = batch ?? 1
        var generator = RandomGenerator(seed: seed)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let a = random(items * m * k), b = random(items * k * n), c0 = random(items * m * n)
        var fast = c0 + [Float](repeating: guardValue, count: guardCount)

        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                fast.withUnsafeMutableBufferPointer { c in
                    let (a, b, c) = (a.baseAddress!, b.baseAddress!, c.baseAddress!)
                    if let forcedThreads {
                        Matmul.product(
                            variant, a, b, c, batch: items, m: m, n: n, k: k, accumulate: accumulate,
                            threads: forcedThreads)
                        return
                    }
                    switch (variant, batch) {
                    case (.nn, nil): Matmul.nn(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
                    case (.nt, nil): Matmul.nt(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
                    case (.tn, nil): Matmul.tn(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
                    case (.nn, let batch?):
                        Matmul.nn(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                    case (.nt, let batch?):
                        Matmul.nt(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                    case (.tn, let batch?):
                        Matmul.tn(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                    }
                }
            }
        }

        let rows = sampledRows
            ? Set([0, 1, 7, 8, 9, m / 2 - 1, m / 2, m / 2 + 1, m - 2, m - 1].filter { (0..<m).contains($0) }).sorted()
            : Array(0..<m)
        var worst: Float = 0
        for item in 0..<items {
            let (ao, bo) = (item * m * k, item * k * n)
            let b = Array(b[bo..<bo + k * n])
            for i in rows {
                // Row i of C needs only row i of A (column i of the stored aᵀ for `tn`): a (1, K).
                let aRow = variant == .tn
                    ? (0..<k).map { a[ao + $0 * m + i] }
                    : Array(a[ao + i * k..<ao + (i + 1) * k])
                let co = (item * m + i) * n
                var expected = Array(c0[co..<co + n]), magnitude = expected.map(abs)
                reference(variant, aRow, b, &expected, n: n, k: k, accumulate: accumulate)
                reference(variant, aRow.map(abs), b.map(abs), &magnitude, n: n, k: k, accumulate: accumulate)
                for j in 0..<n {
                    worst = max(worst, abs(fast[co + j] - expected[j]) / (magnitude[j] + 1e-30))
                }
            }
        }
        #expect(worst <= 1e-5, "\(variant) batch \(items) \(m)×\(k)·\(k)×\(n) accumulate \(accumulate)")
        #expect(fast[(items * m * n)...].allSatisfy { $0 == guardValue }, "wrote past c")
    }

    /// One row of the product by the oracle: a (1, K) — stored (K, 1) for `tn` — b as in
    /// `variant`, c (1, N).
    private static func reference(
        _ variant: Variant, _ a: [Float], _ b: [Float], _ c: inout [Float], n: Int, k: Int, accumulate: Bool
    ) {
        switch variant {
        case .nn: ReferenceMatmul.nn(a, b, &c, m: 1, n: n, k: k, accumulate: accumulate)
        case .nt: ReferenceMatmul.nt(a, b, &c, m: 1, n: n, k: k, accumulate: accumulate)
        case .tn: ReferenceMatmul.tn(a, b, &c, m: 1, n: n, k: k, accumulate: accumulate)
        }
    }

    @Test(arguments: Variant.allCases)
    func edgeSizes(_ variant: Variant) {
        for m in [1, 7, 8, 9, 16, 17, 33] {
            for n in [1, 15, 16, 17, 31, 32, 33] {
                for k in [1, 2, 17, 31] {
                    Self.check(variant, m: m, n: n, k: k, accumulate: (m + n + k) % 2 == 0)
                }
            }
        }
    }

    @Test(arguments: Variant.allCases)
    func accumulateOnAndOff(_ variant: Variant) {
        for accumulate in [false, true] {
            Self.check(variant, m: 13, n: 45, k: 19, accumulate: accumulate)
            Self.check(variant, m: 1, n: 70, k: 3, accumulate: accumulate)
            Self.check(variant, m: 70, n: 1, k: 3, accumulate: accumulate)
        }
    }

    /// Deeper than one packed panel (256), so the depth is split and accumulated.
    @Test(arguments: Variant.allCases)
    func deepProducts(_ variant: Variant) {
        Self.check(variant, m: 3, n: 5, k: 300, accumulate: false)
        Self.check(variant, m: 9, n: 40, k: 513, accumulate: true)
    }

    /// Every product the models run: forward `nt` (and plain `nn`), dx `nn`, dW `tn`.
    @Test(arguments: [(32, 30, 200), (32, 200, 27), (32, 10, 27), (512, 64, 192), (512, 64, 64),
                      (512, 64, 256), (512, 256, 64), (512, 64, 27)])
    func modelShapes(rows: Int, inputs: Int, outputs: Int) {
        let sampled = rows > 32
        Self.check(.nt, m: rows, n: outputs, k: inputs, accumulate: false, sampledRows: sampled)
        Self.check(.nn, m: rows, n: outputs, k: inputs, accumulate: false, sampledRows: sampled)
        Self.check(.nn, m: rows, n: inputs, k: outputs, accumulate: true, sampledRows: sampled)
        Self.check(.tn, m: outputs, n: inputs, k: rows, accumulate: true, sampledRows: sampled)
    }

    @Test(arguments: Variant.allCases)
    func batched(_ variant: Variant) {
        Self.check(variant, batch: 5, m: 16, n: 16, k: 16, accumulate: false)
        Self.check(variant, batch: 3, m: 7, n: 33, k: 5, accumulate: true)
        Self.check(variant, batch: 1, m: 9, n: 2, k: 4, accumulate: false, maxThreads: 1)
        Self.check(variant, batch: 0, m: 4, n: 4, k: 4, accumulate: false)
    }

    /// Split across threads by rows (one product, odd row count, too few panels to split by
    /// columns) and by whole products.
    @Test(arguments: Variant.allCases)
    func threaded(_ variant: Variant) {
        Self.check(variant, batch: 1, m: 37, n: 40, k: 20, accumulate: true, forcedThreads: 2)
        Self.check(variant, batch: 1, m: 9, n: 17, k: 5, accumulate: false, forcedThreads: 3)
        Self.check(variant, batch: 3, m: 11, n: 20, k: 33, accumulate: false, forcedThreads: 2)
    }

    /// Split by columns (whole 32-column panels per thread, the last one partial): within
    /// tolerance of the oracle, and bit-identical to the single-threaded product, as every split
    /// must be (each element's sum runs in the same order on any thread).
    @Test(arguments: Variant.allCases)
    func threadedByColumns(_ variant: Variant) {
        Self.check(variant, batch: 1, m: 19, n: 100, k: 300, accumulate: true, forcedThreads: 2)
        Self.check(variant, batch: 1, m: 9, n: 200, k: 20, accumulate: false, forcedThreads: 3)
        for (m, n, k, threads) in [(19, 100, 300, 2), (9, 200, 20, 3), (37, 40, 20, 2), (17, 64, 33, 2)] {
            #expect(Self.product(variant, m: m, n: n, k: k, threads: threads) == Self.product(variant, m: m, n: n, k: k, threads: 1),
                    "\(variant) \(m)×\(k)·\(k)×\(n) on \(threads) threads")
        }
    }

    /// `c (+)= a·b` of random operands (and a random starting `c`) on `threads` threads.
    static func product(_ variant: Variant, m: Int, n: Int, k: Int, threads: Int) -> [Float] {
        var generator = RandomGenerator(seed: 5)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let a = random(m * k), b = random(k * n)
        var c = random(m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Matmul.product(variant, a.baseAddress!, b.baseAddress!, c.baseAddress!, batch: 1, m: m, n: n, k: k,
                                   accumulate: true, threads: threads)
                }
            }
        }
        return c
    }

    /// Bit for bit the kernel's order of operations: each element a fused multiply-add chain from
    /// zero over each block of `panelDepth` depths, the blocks' sums added to `c` in turn. Any
    /// element packed wrong (a partial panel's columns, the last depths of an `nt` panel read in
    /// one vector, rows near the end of B) changes some bits. Both register blockings, whichever
    /// this processor prefers, on tiles of every height (1–8 rows left over; the wide kernel runs
    /// tiles of 2–4 rows through its four-row variant).
    @Test(arguments: Variant.allCases, MicroKernel.allCases)
    func packedPanelsKeepTheKernelsSums(_ variant: Variant, _ kernel: MicroKernel) {
        for (m, n, k) in [(32, 200, 30), (32, 27, 200), (32, 30, 200), (27, 200, 32), (9, 45, 19), (8, 17, 300),
                          (3, 33, 16), (17, 5, 47), (1, 31, 14), (16, 1, 257), (13, 16, 9), (23, 48, 20),
                          (10, 40, 33), (12, 33, 260), (4, 64, 16), (2, 20, 5), (14, 35, 7)] {
            var generator = RandomGenerator(seed: 7)
            func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
            let a = random(m * k), b = random(k * n), c0 = random(m * n)
            for accumulate in [false, true] {
                var c = c0
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            Matmul.product(variant, a.baseAddress!, b.baseAddress!, c.baseAddress!, batch: 1, m: m, n: n, k: k,
                                           accumulate: accumulate, threads: 1, kernel: kernel)
                        }
                    }
                }
                var expected = c0
                for i in 0..<m {
                    for j in 0..<n {
                        var total = accumulate ? c0[i * n + j] : 0
                        for k0 in stride(from: 0, to: k, by: MatmulProblem.panelDepth) {
                            var sum: Float = 0
                            for p in k0..<min(k, k0 + MatmulProblem.panelDepth) {
                                let x = variant == .tn ? a[p * m + i] : a[i * k + p]
                                let y = variant == .nt ? b[j * k + p] : b[p * n + j]
                                sum.addProduct(x, y)
                            }
                            total = (accumulate || k0 > 0) ? total + sum : sum
                        }
                        expected[i * n + j] = total
                    }
                }
                #expect(c == expected, "\(variant) \(m)×\(k)·\(k)×\(n) accumulate \(accumulate), \(kernel) kernel")
            }
        }
    }

    @Test func threadCountFollowsTheThreshold() {
        #expect(Matmul.threadCount(m: 512, n: 64, k: 256) == 1)  // the models' largest product
        #expect(Matmul.threadCount(m: 512, n: 256, k: 256, maxThreads: 2) == 2)
        #expect(Matmul.threadCount(m: 512, n: 256, k: 256, maxThreads: 1) == 1)
        #expect(Matmul.threadCount(m: 8, n: 4096, k: 4096, maxThreads: 2) == 1)  // one row block
        #expect(Matmul.threadCount(batch: 2, m: 8, n: 4096, k: 4096, maxThreads: 2) == 2)
    }

    @Test(arguments: Variant.allCases)
    func emptyDepthGivesZeroOrLeavesC(_ variant: Variant) {
        Self.check(variant, m: 5, n: 18, k: 0, accumulate: false)
        Self.check(variant, m: 5, n: 18, k: 0, accumulate: true)
        Self.check(variant, m: 0, n: 18, k: 3, accumulate: false)
        Self.check(variant, m: 5, n: 0, k: 3, accumulate: false)
    }
}
