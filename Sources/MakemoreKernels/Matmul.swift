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
package enum Matmul {
    /// `c[M, N] (+)= a[M, K] · b[K, N]`
    package static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.nn, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, threads: threadCount(m: m, n: n, k: k))
    }

    /// `c[M, N] (+)= a[M, K] · b[N, K]ᵀ`
    package static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.nt, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, threads: threadCount(m: m, n: n, k: k))
    }

    /// `c[M, N] (+)= a[K, M]ᵀ · b[K, N]`
    package static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(.tn, a, b, c, batch: 1, m: m, n: n, k: k, accumulate: accumulate, threads: threadCount(m: m, n: n, k: k))
    }

    /// `batch` independent products `c[i] (+)= a[i] · b[i]` over contiguous stacks
    /// (attention's `att = q·kᵀ` is `nt`, `y = att·v` is `nn`).
    ///
    /// a: (batch, M, K), b: (batch, K, N), c: (batch, M, N). `maxThreads` caps the threads used
    /// (`1` forces a single thread); `nil` lets the size of the product decide.
    package static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(
            .nn, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate,
            threads: threadCount(batch: batch, m: m, n: n, k: k, maxThreads: maxThreads))
    }

    /// `batch` independent products `c[i] (+)= a[i] · b[i]ᵀ` over contiguous stacks.
    ///
    /// a: (batch, M, K), b: (batch, N, K), c: (batch, M, N). `maxThreads` as in the batched `nn`.
    package static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(
            .nt, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate,
            threads: threadCount(batch: batch, m: m, n: n, k: k, maxThreads: maxThreads))
    }

    /// `batch` independent products `c[i] (+)= a[i]ᵀ · b[i]` over contiguous stacks.
    ///
    /// a: (batch, K, M), b: (batch, K, N), c: (batch, M, N). `maxThreads` as in the batched `nn`.
    package static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool = false, maxThreads: Int? = nil
    ) {
        product(
            .tn, a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate,
            threads: threadCount(batch: batch, m: m, n: n, k: k, maxThreads: maxThreads))
    }

    /// Floating-point operations (2·M·N·K per product) each thread must get before a product
    /// is split across threads: 16 MFLOP, about 150 µs of one core, so only products of 32 MFLOP
    /// and more are split. None of the models' products is that big (the largest, 512×64·64×256,
    /// is 16.8 MFLOP), so they all stay single-threaded; split the batch at the level of the
    /// training step instead. Measured on the project's 2-core VM with `makemore-bench` and a
    /// 1T/2T sweep of 4–134 MFLOP products: the second thread never paid for itself below
    /// 32 MFLOP — waking a parked vCPU and getting it scheduled costs tens of microseconds, and
    /// nothing when the other core is busy, where 2T stayed at 0.95–0.99× of 1T up to 134 MFLOP.
    /// The notes' idle-machine figures agree: 12.6 MFLOP is slower on 2 threads (113 vs
    /// ~170 GFLOP/s), 33.5 MFLOP (256³) is ~15 % faster.
    package static let minimumFlopsPerThread = 16_000_000

    /// The number of threads a product of this size runs on (the same for all three variants):
    /// 1 unless every thread gets at least `minimumFlopsPerThread`; at most `maxThreads`, the
    /// number of cores, and the number of products or 8-row blocks to share out.
    package static func threadCount(batch: Int = 1, m: Int, n: Int, k: Int, maxThreads: Int? = nil) -> Int {
        let flops = 2 * batch * m * n * k
        return max(1, min(maxThreads ?? Parallel.coreCount, flops / minimumFlopsPerThread, shareableUnits(batch: batch, m: m)))
    }

    /// Whole products, or 8-row blocks of one product, that threads can take.
    private static func shareableUnits(batch: Int, m: Int) -> Int {
        max(batch, (m + MatmulProblem.tileRows - 1) / MatmulProblem.tileRows)
    }

    package enum Layout: CaseIterable, Sendable { case nn, nt, tn }

    /// The operands of one batched product as its shares see them: `a` and `b` are only read,
    /// and each share of `product` writes only its own products, panels of columns or tiles of
    /// rows of `c` (disjoint ranges of `0..<batch`, `0..<n` or `0..<m`, cut by share), so no
    /// element is written by two threads.
    private struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
    }

    /// The batched product of `layout` on up to `threads` threads through `kernel` (tests force
    /// a split and each kernel here).
    package static func product(
        _ layout: Layout,
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        batch: Int, m: Int, n: Int, k: Int, accumulate: Bool, threads: Int, kernel: MicroKernel = .preferred
    ) {
        precondition(batch >= 0 && m >= 0 && n >= 0 && k >= 0, "matrix sizes must not be negative")
        guard batch > 0, m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { c.update(repeating: 0, count: batch * m * n) }
            return
        }
        let rowTiles = (m + MatmulProblem.tileRows - 1) / MatmulProblem.tileRows
        let shares = max(1, min(threads, shareableUnits(batch: batch, m: m)))

        let operands = Operands(a: a, b: b, c: c)
        @Sendable func problem(_ item: Int) -> MatmulProblem {
            let a = operands.a + item * m * k, b = operands.b + item * k * n, c = operands.c + item * m * n
            switch layout {
            case .nn:
                return MatmulProblem(
                    a: a, aRowStride: k, aDepthStride: 1, b: b, bDepthStride: n, bColumnStride: 1,
                    c: c, m: m, n: n, k: k, accumulate: accumulate, kernel: kernel)
            case .nt:
                return MatmulProblem(
                    a: a, aRowStride: k, aDepthStride: 1, b: b, bDepthStride: 1, bColumnStride: k,
                    c: c, m: m, n: n, k: k, accumulate: accumulate, kernel: kernel)
            case .tn:
                return MatmulProblem(
                    a: a, aRowStride: 1, aDepthStride: m, b: b, bDepthStride: n, bColumnStride: 1,
                    c: c, m: m, n: n, k: k, accumulate: accumulate, kernel: kernel)
            }
        }

        let panels = (n + MatmulProblem.panelWidth - 1) / MatmulProblem.panelWidth
        Parallel.run(shares: shares) { share in
            if batch >= shares {
                // Whole products per thread.
                for item in (batch * share / shares)..<(batch * (share + 1) / shares) {
                    problem(item).run(rows: 0..<m)
                }
            } else if panels >= 2 * shares {
                // Every product split by columns, in whole panels: each thread packs only its
                // share of B (packing the transposed operand of `nt` costs a gather per element).
                let range = panels * share / shares..<panels * (share + 1) / shares
                let columns = range.lowerBound * MatmulProblem.panelWidth..<min(n, range.upperBound * MatmulProblem.panelWidth)
                for item in 0..<batch { problem(item).run(rows: 0..<m, columns: columns) }
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
