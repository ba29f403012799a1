/// The register-blocked core behind `Matmul`: one product `C[M, N] (+)= A[M, K] · B[K, N]` where
/// A and B are read through strides, so that `nn`, `nt` and `tn` share one kernel.
///
/// Blocking, outermost first: a panel of `panelWidth` columns of B times at most `panelDepth`
/// rows of it is packed (zero-padded to full width) into this thread's `ThreadScratch` buffer,
/// so a call allocates nothing; then every block of `kernel.rows` rows of A is multiplied against
/// it by a micro-kernel whose accumulators live in registers for the whole depth (see
/// `MicroKernel`). Every element of C is the same chain of fused multiply-adds whichever kernel
/// runs, so the kernels give the same bits.
package struct MatmulProblem {
    /// `A[i, p] = a[i * aRowStride + p * aDepthStride]`
    var a: UnsafePointer<Float>
    var aRowStride: Int
    var aDepthStride: Int
    /// `B[p, j] = b[p * bDepthStride + j * bColumnStride]`
    var b: UnsafePointer<Float>
    var bDepthStride: Int
    var bColumnStride: Int
    /// `C[i, j] = c[i * n + j]`
    var c: UnsafeMutablePointer<Float>
    var m: Int
    var n: Int
    var k: Int
    var accumulate: Bool
    /// The register blocking that multiplies a tile of A by a packed panel.
    var kernel: MicroKernel = .preferred

    /// Rows of A (and C) per share when a product is split across threads by rows: the wide
    /// kernel's tile height, and the most rows a kernel call takes (the edge tile's height).
    package static let tileRows = 8
    /// Columns of B (and C) per packed panel: two 16-lane vectors.
    package static let panelWidth = 32
    /// Rows of B per packed panel; deeper products are split and accumulated. 256 keeps the
    /// panel at 32 KiB, the size of L1.
    package static let panelDepth = 256

    /// Computes rows `rows` and columns `columns` of C (sub-ranges of `0..<m` and `0..<n`; a
    /// column range starts on a multiple of `panelWidth`). `k` must be positive.
    package func run(rows: Range<Int>, columns columnRange: Range<Int>? = nil) {
        let width = Self.panelWidth, tileRows = kernel.rows
        assert(ThreadScratch.floatCount >= (Self.panelDepth + Self.tileRows) * width && tileRows <= Self.tileRows)
        let columnRange = columnRange ?? 0..<n
        assert(columnRange.lowerBound % width == 0 && columnRange.upperBound <= n)
        let scratch = ThreadScratch.buffer
        let panel = scratch  // (panelDepth, panelWidth)
        let edgeTile = scratch + Self.panelDepth * width  // (tileRows, panelWidth)
        for j0 in stride(from: columnRange.lowerBound, to: columnRange.upperBound, by: width) {
            let columns = min(width, columnRange.upperBound - j0)
            for k0 in stride(from: 0, to: k, by: Self.panelDepth) {
                let depth = min(Self.panelDepth, k - k0)
                packPanel(panel, k0: k0, depth: depth, j0: j0, columns: columns)
                let add = accumulate || k0 > 0
                for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: tileRows) {
                    let tileHeight = min(tileRows, rows.upperBound - i0)
                    let aTile = a + i0 * aRowStride + k0 * aDepthStride
                    let cTile = c + i0 * n + j0
                    if tileHeight == 1 {  // a single row (sampling one word): 1/8 of the tile's work
                        if columns == width {
                            rowKernel(aTile, depthStride: aDepthStride, panel, depth: depth, cTile, accumulate: add)
                        } else {
                            rowKernel(aTile, depthStride: aDepthStride, panel, depth: depth, edgeTile, accumulate: false)
                            copyEdgeRow(from: edgeTile, to: cTile, columns: columns, add: add)
                        }
                    } else if columns == width {
                        multiplyTile(aTile, rows: tileHeight, panel, depth: depth, columns: width, cTile, ldc: n, accumulate: add)
                    } else {
                        multiplyTile(aTile, rows: tileHeight, panel, depth: depth, columns: columns, edgeTile, ldc: width, accumulate: false)
                        for r in 0..<tileHeight {
                            copyEdgeRow(from: edgeTile + r * width, to: cTile + r * n, columns: columns, add: add)
                        }
                    }
                }
            }
        }
    }

    /// `C[0..<rows, 0..<columns] (+)= A[0..<rows, 0..<depth] · panel` through this problem's
    /// kernel (`rows` ≤ `kernel.rows`); columns past `columns` of C may be written or not.
    @inline(__always)
    private func multiplyTile(
        _ a: UnsafePointer<Float>, rows: Int, _ panel: UnsafePointer<Float>, depth: Int, columns: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        switch kernel {
        case .wide where rows <= 4:
            microKernel(a, rowStride: aRowStride, depthStride: aDepthStride, rows: rows, panel, depth: depth, c, ldc: ldc, accumulate: accumulate, fourRows: true)
        case .wide:
            microKernel(a, rowStride: aRowStride, depthStride: aDepthStride, rows: rows, panel, depth: depth, c, ldc: ldc, accumulate: accumulate, fourRows: false)
        case .narrow:
            halfPanelKernel(a, rowStride: aRowStride, depthStride: aDepthStride, rows: rows, panel, depth: depth, c, ldc: ldc, accumulate: accumulate)
            if columns > 16 {
                halfPanelKernel(
                    a, rowStride: aRowStride, depthStride: aDepthStride, rows: rows, panel + 16, depth: depth,
                    c + 16, ldc: ldc, accumulate: accumulate)
            }
        }
    }

    /// `target[0..<columns] (+)= source[0..<columns]` for a partial panel's row (`columns` < 32):
    /// in vectors of 16, 8 and 4 columns while that many are left, the last few one by one (the
    /// MLP's 27- and 30-column products leave 3 and 2).
    @inline(__always)
    private func copyEdgeRow(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, columns: Int, add: Bool) {
        var j = 0
        @inline(__always) func copy<V: SIMD>(_: V.Type) where V.Scalar == Float {
            let s = UnsafeRawPointer(source + j), t = UnsafeMutableRawPointer(target + j)
            let value = s.loadUnaligned(as: V.self)
            t.storeBytes(of: add ? t.loadUnaligned(as: V.self) + value : value, as: V.self)
            j &+= V.scalarCount
        }
        if columns &- j >= 16 { copy(SIMD16<Float>.self) }
        if columns &- j >= 8 { copy(SIMD8<Float>.self) }
        if columns &- j >= 4 { copy(SIMD4<Float>.self) }
        if add {
            while j < columns { target[j] += source[j]; j &+= 1 }
        } else {
            while j < columns { target[j] = source[j]; j &+= 1 }
        }
    }

    /// Copies `B[k0 ..< k0+depth, j0 ..< j0+columns]` into `panel` (depth, panelWidth), padding
    /// the columns past `columns` with zeros.
    private func packPanel(_ panel: UnsafeMutablePointer<Float>, k0: Int, depth: Int, j0: Int, columns: Int) {
        let width = Self.panelWidth
        let origin = b + k0 * bDepthStride + j0 * bColumnStride
        if bColumnStride == 1 && columns == width {
            // Rows of the panel are contiguous in B: two vector copies each.
            for p in 0..<depth {
                let source = UnsafeRawPointer(origin + p &* bDepthStride)
                let target = UnsafeMutableRawPointer(panel + p &* width)
                target.storeBytes(of: source.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                target.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), toByteOffset: 64,
                    as: SIMD16<Float>.self)
            }
        } else if bColumnStride == 1 {
            // A partial panel: each row as two vectors whose lanes past `columns` are zeroed,
            // while the vectors' reads stay inside B (`end`); the rows past that, lane by lane.
            let lane = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            let pad0 = lane .>= SIMD16<Int32>(repeating: Int32(truncatingIfNeeded: columns))
            let pad1 = lane .>= SIMD16<Int32>(repeating: Int32(truncatingIfNeeded: columns &- 16))
            let end = (k &- 1) &* bDepthStride &+ n  // one past the last element of B read
            let start = k0 &* bDepthStride &+ j0
            var p = 0
            while p < depth && start &+ p &* bDepthStride &+ width <= end {
                let source = origin + p &* bDepthStride, target = panel + p &* width
                store(load(source, 0).replacing(with: 0, where: pad0), target, 0)
                store(load(source, 16).replacing(with: 0, where: pad1), target, 16)
                p &+= 1
            }
            if p < depth {
                zeroRows(panel + p &* width, depth: depth &- p)
                while p < depth {
                    copyEdgeRow(from: origin + p &* bDepthStride, to: panel + p &* width, columns: columns, add: false)
                    p &+= 1
                }
            }
        } else {
            assert(bDepthStride == 1, "a panel is contiguous along its rows or its columns in B")
            // Columns of the panel are contiguous in B (`nt`): transpose while copying, 8 depths
            // at a time: 8 columns' 8-lane loads transposed in registers and stored as 8 rows of
            // the panel (1 KiB, which stay in L1 while every column is written); the columns
            // past a multiple of 8, lane by lane. (On an AMD EPYC with AVX2 the transposes pack a
            // 256-deep panel 1.7x as fast as 16 scalar stores per column's 16-lane load. Column by
            // column, the whole 32 KiB panel was rewritten once per column: no faster on a
            // 48 KiB L1, and it fills a 32 KiB one.)
            // A partial panel is zeroed first, in one pass; the columns then overwrite it.
            if columns < width { zeroRows(panel, depth: depth) }
            let wholeColumns = columns & ~7
            var p = 0
            while p &+ 8 <= depth {
                let target = panel + p &* width
                var jj = 0
                while jj < wholeColumns {
                    transpose8x8(origin + (jj &* bColumnStride &+ p), stride: bColumnStride, to: target + jj, stride: width)
                    jj &+= 8
                }
                while jj < columns {
                    let lanes = UnsafeRawPointer(origin + (jj &* bColumnStride &+ p)).loadUnaligned(as: SIMD8<Float>.self)
                    for lane in 0..<8 { target[lane &* width &+ jj] = lanes[lane] }
                    jj &+= 1
                }
                p &+= 8
            }
            if p < depth {
                // The last depths (fewer than 8): one vector load per column where its 16 lanes
                // stay inside B (`end`; the lanes past `depth` are not stored), else one by one.
                let target = panel + p &* width, tail = depth &- p
                let end = (n &- 1) &* bColumnStride &+ k  // one past the last element of B read
                let start = j0 &* bColumnStride &+ k0 &+ p
                for jj in 0..<columns {
                    if start &+ jj &* bColumnStride &+ 16 <= end {
                        let lanes = load(origin + (jj &* bColumnStride &+ p), 0)
                        for lane in 0..<tail { target[lane &* width &+ jj] = lanes[lane] }
                    } else {
                        for lane in 0..<tail { target[lane &* width &+ jj] = origin[jj &* bColumnStride &+ p &+ lane] }
                    }
                }
            }
        }
    }

    /// Zeroes the first `depth` rows of `panel` (all `panelWidth` columns).
    private func zeroRows(_ panel: UnsafeMutablePointer<Float>, depth: Int) {
        panel.update(repeating: 0, count: depth &* Self.panelWidth)
    }
}

/// `target[i · targetStride + j] = source[j · sourceStride + i]` for i, j in 0..<8: an 8×8 block
/// transposed in registers. Three perfect unshuffles (even lanes of each pair of rows, then odd)
/// of the 64 elements each rotate an element's 6-bit index right by one bit, so three of them
/// swap its row and column bits.
@inline(__always)
private func transpose8x8(_ source: UnsafePointer<Float>, stride sourceStride: Int, to target: UnsafeMutablePointer<Float>, stride targetStride: Int) {
    typealias V = SIMD8<Float>
    @inline(__always) func row(_ i: Int) -> V { UnsafeRawPointer(source + i &* sourceStride).loadUnaligned(as: V.self) }
    var (r0, r1, r2, r3, r4, r5, r6, r7) = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
    for _ in 0..<3 {
        let p0 = SIMD16(lowHalf: r0, highHalf: r1), p1 = SIMD16(lowHalf: r2, highHalf: r3)
        let p2 = SIMD16(lowHalf: r4, highHalf: r5), p3 = SIMD16(lowHalf: r6, highHalf: r7)
        (r0, r1, r2, r3) = (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf)
        (r4, r5, r6, r7) = (p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
    }
    @inline(__always) func store(_ r: V, _ i: Int) { UnsafeMutableRawPointer(target + i &* targetStride).storeBytes(of: r, as: V.self) }
    store(r0, 0); store(r1, 1); store(r2, 2); store(r3, 3); store(r4, 4); store(r5, 5); store(r6, 6); store(r7, 7)
}

/// `C[r, 0..<32] (+)= Σ_p A[r, p] · panel[p, 0..<32]` for `r < rows` (1...8): the wide kernel, 16
/// `SIMD16<Float>` accumulators (16 of the 32 AVX-512 registers). Rows past `rows`
/// re-read the last valid row of A and are not stored, so one kernel serves every tile height.
/// With `fourRows` (a constant at each call, for tiles of 2–4 rows: the rows of a batch past a
/// multiple of 8) only the first four rows are computed, half a tile's work instead of a whole
/// one's; the same multiply-adds in the same order, so the same bits.
///
/// a: (rows, depth) via strides, panel: (depth, 32) contiguous, c: (rows, 32) with row stride ldc
@inline(__always)
private func microKernel(
    _ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int,
    _ panel: UnsafePointer<Float>, depth: Int,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, fourRows: Bool
) {
    typealias V = SIMD16<Float>
    let last = rows &- 1
    let a0 = a
    let a1 = a + min(1, last) &* rowStride
    let a2 = a + min(2, last) &* rowStride
    let a3 = a + min(3, last) &* rowStride
    let a4 = a + min(4, last) &* rowStride
    let a5 = a + min(5, last) &* rowStride
    let a6 = a + min(6, last) &* rowStride
    let a7 = a + min(7, last) &* rowStride
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
    var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
    var pb = UnsafeRawPointer(panel)
    var offset = 0
    for _ in 0..<depth {
        let b0 = pb.load(as: V.self)
        let b1 = pb.load(fromByteOffset: 64, as: V.self)
        addRow(&c00, &c01, a0[offset], b0, b1)
        addRow(&c10, &c11, a1[offset], b0, b1)
        addRow(&c20, &c21, a2[offset], b0, b1)
        addRow(&c30, &c31, a3[offset], b0, b1)
        if !fourRows {
            addRow(&c40, &c41, a4[offset], b0, b1)
            addRow(&c50, &c51, a5[offset], b0, b1)
            addRow(&c60, &c61, a6[offset], b0, b1)
            addRow(&c70, &c71, a7[offset], b0, b1)
        }
        pb += 128
        offset &+= depthStride
    }
    @inline(__always) func store(_ row: Int, _ lo: V, _ hi: V) { storeRow(lo, hi, c + row &* ldc, accumulate: accumulate) }
    store(0, c00, c01)
    if rows > 1 { store(1, c10, c11) }
    if rows > 2 { store(2, c20, c21) }
    if rows > 3 { store(3, c30, c31) }
    if rows > 4 { store(4, c40, c41) }
    if rows > 5 { store(5, c50, c51) }
    if rows > 6 { store(6, c60, c61) }
    if rows > 7 { store(7, c70, c71) }
}

/// `C[r, 0..<16] (+)= Σ_p A[r, p] · panel[p, 0..<16]` for `r < rows` (1...6), the panel's rows
/// `panelWidth` floats apart: the narrow kernel, called once per half of a panel. Its 12
/// accumulators (6 rows × two `SIMD8<Float>`), the two vectors of B and the broadcast fit the
/// 16 registers of AVX2, where `microKernel`'s 16 `SIMD16` accumulators take 32 and spill.
/// Rows past `rows` re-read the last valid row of A and are not stored.
///
/// a: (rows, depth) via strides, panel: (depth, 16) with row stride 32, c: (rows, 16) with row stride ldc
@inline(__always)
private func halfPanelKernel(
    _ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int,
    _ panel: UnsafePointer<Float>, depth: Int,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) {
    typealias V = SIMD8<Float>
    let last = rows &- 1
    let a0 = a
    let a1 = a + min(1, last) &* rowStride
    let a2 = a + min(2, last) &* rowStride
    let a3 = a + min(3, last) &* rowStride
    let a4 = a + min(4, last) &* rowStride
    let a5 = a + min(5, last) &* rowStride
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    var pb = UnsafeRawPointer(panel)
    var offset = 0
    for _ in 0..<depth {
        let b0 = pb.load(as: V.self)
        let b1 = pb.load(fromByteOffset: 32, as: V.self)
        addRow(&c00, &c01, a0[offset], b0, b1)
        addRow(&c10, &c11, a1[offset], b0, b1)
        addRow(&c20, &c21, a2[offset], b0, b1)
        addRow(&c30, &c31, a3[offset], b0, b1)
        addRow(&c40, &c41, a4[offset], b0, b1)
        addRow(&c50, &c51, a5[offset], b0, b1)
        pb += MatmulProblem.panelWidth &* MemoryLayout<Float>.stride
        offset &+= depthStride
    }
    @inline(__always) func store(_ row: Int, _ lo: V, _ hi: V) { storeRow(lo, hi, c + row &* ldc, accumulate: accumulate) }
    store(0, c00, c01)
    if rows > 1 { store(1, c10, c11) }
    if rows > 2 { store(2, c20, c21) }
    if rows > 3 { store(3, c30, c31) }
    if rows > 4 { store(4, c40, c41) }
    if rows > 5 { store(5, c50, c51) }
}

/// One depth step of one row of a tile: `lo ‖ hi += a · (b0 ‖ b1)`, two fused multiply-adds.
@inline(__always)
private func addRow<V: SIMD>(_ lo: inout V, _ hi: inout V, _ a: Float, _ b0: V, _ b1: V) where V.Scalar == Float {
    let x = V(repeating: a)
    lo.addProduct(x, b0)
    hi.addProduct(x, b1)
}

/// A row of a tile of C from a kernel's two accumulators side by side: `c[0..<2w] (+)= lo ‖ hi`
/// (w = `V`'s lanes).
@inline(__always)
private func storeRow<V: SIMD>(_ lo: V, _ hi: V, _ c: UnsafeMutablePointer<Float>, accumulate: Bool) where V.Scalar == Float {
    let target = UnsafeMutableRawPointer(c), width = MemoryLayout<V>.stride
    if accumulate {
        target.storeBytes(of: target.loadUnaligned(as: V.self) + lo, as: V.self)
        target.storeBytes(of: target.loadUnaligned(fromByteOffset: width, as: V.self) + hi, toByteOffset: width, as: V.self)
    } else {
        target.storeBytes(of: lo, as: V.self)
        target.storeBytes(of: hi, toByteOffset: width, as: V.self)
    }
}

/// `C[0, 0..<32] (+)= Σ_p A[0, p] · panel[p, 0..<32]`: `microKernel`'s first row alone (the same
/// multiply-adds in the same order, so the same bits), for tiles of one row.
///
/// a: (1, depth) via depthStride, panel: (depth, 32) contiguous, c: (1, 32)
@inline(__always)
private func rowKernel(
    _ a: UnsafePointer<Float>, depthStride: Int, _ panel: UnsafePointer<Float>, depth: Int,
    _ c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    typealias V = SIMD16<Float>
    var c0 = V(), c1 = V()
    var pb = UnsafeRawPointer(panel)
    var offset = 0
    for _ in 0..<depth {
        addRow(&c0, &c1, a[offset], pb.load(as: V.self), pb.load(fromByteOffset: 64, as: V.self))
        pb += 128
        offset &+= depthStride
    }
    storeRow(c0, c1, c, accumulate: accumulate)
}
