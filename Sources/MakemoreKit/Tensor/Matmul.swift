/// Matrix products over flat row-major `Float` buffers: the hot loops of every model.
///
/// The three variants cover a `Linear` layer (weight stored `[out, in]` as PyTorch does) and both
/// of its backward products: `y = x·Wᵀ` is `nt`, `dx = dy·W` is `nn`, `dW = dyᵀ·x` is `tn`.
/// With `accumulate` the product is added to `c` (backward passes accumulate gradients);
/// otherwise `c` is overwritten. `c` must not alias `a` or `b`. With `k == 0` the product is
/// zero. Every function may be called from several threads at once on disjoint outputs.
///
/// All variants run one register-blocked SIMD kernel (`MatmulMicroKernel.swift`); products big
/// enough to pay for waking a thread are split across the cores (see `minimumFlopsPerThread`).
public enum Matmul {
    /// `c[M, N] (+)= a[M, K] · b[K, N]`
    public static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.nn, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, maxThreads: nil)
    }

    /// `c[M, N] (+)= a[M, K] · b[N, K]ᵀ`
    public static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.nt, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, maxThreads: nil)
    }

    /// `c[M, N] (+)= a[K, M]ᵀ · b[K, N]`
    public static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.tn, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, maxThreads: nil)
    }

    /// `batch` independent products `c[i] (+)= a[i] · b[i]` over contiguous stacks
    /// (attention's `att = q·kᵀ` is `nt`, `y = att·v` is `nn`).
    ///
    /// a: (batch, M, K), b: (batch, K, N), c: (batch, M, N). `maxThreads` caps the threads used
    /// (`1` forces a single thread); `nil` lets the size of the product decide.
    public static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(.nn, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
    }

    /// `batch` independent products `c[i] (+)= a[i] · b[i]ᵀ` over contiguous stacks.
    ///
    /// a: (batch, M, K), b: (batch, N, K), c: (batch, M, N). `maxThreads` as in the batched `nn`.
    public static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(.nt, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
    }

    /// `batch` independent products `c[i] (+)= a[i]ᵀ · b[i]` over contiguous stacks.
    ///
    /// a: (batch, K, M), b: (batch, K, N), c: (batch, M, N). `maxThreads` as in the batched `nn`.
    public static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(.tn, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
    }

    /// Floating-point operations (2·M·N·K per product) each thread must get before a product
    /// is split across threads. Measured on the project's 2-core machine: waking the second
    /// thread costs ~5–10 µs, so a share must run for tens of microseconds (at ~150 GFLOP/s,
    /// 4 MFLOP ≈ 25 µs) before the split wins.
    static let minimumFlopsPerThread = 4_000_000

    /// The number of threads a product of this size runs on (the same for all three variants):
    /// 1 unless every thread gets at least `minimumFlopsPerThread`, at most `maxThreads` or the
    /// number of cores.
    public static func threadCount(batch: Int = 1, m: Int, n: Int, k: Int, maxThreads: Int? = nil) -> Int {
        let flops = 2 * batch * m * n * k
        let rowTiles = (m + MatmulProblem.tileRows - 1) / MatmulProblem.tileRows
        return max(1, min(maxThreads ?? Parallel.coreCount, flops / minimumFlopsPerThread, max(batch, rowTiles)))
    }

    private enum Layout { case nn, nt, tn }

    private static func product(
        _ layout: Layout,
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool, maxThreads: Int?
    ) {
        precondition(batch >= 0 && m >= 0 && n >= 0 && k >= 0, "matrix sizes must not be negative")
        guard batch > 0, m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { c.update(repeating: 0, count: batch * m * n) }
            return
        }
        let rowTiles = (m + MatmulProblem.tileRows - 1) / MatmulProblem.tileRows
        let shares = threadCount(batch: batch, m: m, n: n, k: k, maxThreads: maxThreads)

        func problem(_ item: Int) -> MatmulProblem {
            let a = a + item * m * k, b = b + item * k * n, c = c + item * m * n
            switch layout {
            case .nn:
                return MatmulProblem(
                    a: a, aRowStride: k, aDepthStride: 1, b: b, bDepthStride: n, bColumnStride: 1,
                    c: c, m: m, n: n, k: k, accumulate: accumulate)
            case .nt:
                return MatmulProblem(
                    a: a, aRowStride: k, aDepthStride: 1, b: b, bDepthStride: 1, bColumnStride: k,
                    c: c, m: m, n: n, k: k, accumulate: accumulate)
            case .tn:
                return MatmulProblem(
                    a: a, aRowStride: 1, aDepthStride: m, b: b, bDepthStride: n, bColumnStride: 1,
                    c: c, m: m, n: n, k: k, accumulate: accumulate)
            }
        }

        Parallel.run(shares: shares) { share in
            if batch >= shares {
                // Whole products per thread.
                for item in (batch * share / shares)..<(batch * (share + 1) / shares) {
                    problem(item).run(rows: 0..<m)
                }
            } else {
                // Every product split by rows, in whole tiles.
                let tiles = rowTiles * share / shares..<rowTiles * (share + 1) / shares
                let rows = tiles.lowerBound * MatmulProblem.tileRows..<min(m, tiles.upperBound * MatmulProblem.tileRows)
                guard !rows.isEmpty else { return }
                for item in 0..<batch { problem(item).run(rows: rows) }
            }
        }
    }
}
