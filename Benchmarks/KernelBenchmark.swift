import MakemoreKernels
import MakemoreKit

/// The transformer's kernels around its products (LayerNorm, GELU, fused attention) against
/// their memory-traffic floor: for each kernel, the bytes it must read and write at least once
/// (its inputs, outputs and caches, each counted once), and the time a plain vector loop takes to
/// read and write that many bytes from the same warm buffers in the same run. `% of floor` is the
/// floor's best time over the kernel's best: 100 means the kernel moves its data as fast as
/// memory allows and anything it computes is hidden; well below it, the kernel is bound by its
/// arithmetic (exponentials, tanh) or by its loop structure. One thread, the rows one thread runs
/// in the scaling benchmark (32 packed words, 228 positions), 4 heads.
enum KernelBenchmark {
    static let section = "kernels"

    /// Channels of the scaling benchmark's transformers (64: makemore.py's preset).
    static let widths = [64, 128, 256, 384]
    static let rows = 228
    static let heads = 4

    /// 32 words of 3–12 positions, scaled to 228 in all (names.txt's words average 7.1 with the
    /// start token, as `rows` assumes).
    static let sequenceStarts: [Int] = {
        var starts = [0]
        for w in 0..<32 { starts.append(starts[w] + 3 + (w * 7) % 10) }
        return starts.map { $0 * rows / starts.last! }
    }()

    static func run(into report: inout BenchmarkReport) {
        for c in widths {
            let n = rows * c, hidden = 4 * n, hs = c / heads
            var generator = RandomGenerator(seed: 3)
            func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
            let x = random(n), weight = random(c), bias = random(c), dout = random(n)
            let h = random(hidden), dh = random(hidden), qkv = random(3 * n)
            var out = [Float](repeating: 0, count: n), dx = out
            var mean = [Float](repeating: 0, count: rows), rstd = mean
            var dweight = [Float](repeating: 0, count: c), dbias = dweight
            var hOut = [Float](repeating: 0, count: hidden), tCache = hOut, dhIn = hOut
            var lse = [Float](repeating: 0, count: rows * heads), dqkv = [Float](repeating: 0, count: 3 * n)
            let shape = "\(rows)×\(c)"
            let scale = 1 / Float(hs).squareRoot()

            // LayerNorm: reads x, weight, bias; writes out, mean, rstd.
            measure("layerNorm forward C=\(c)", shape, read: n + 2 * c, written: n + 2 * rows, into: &report) {
                layerNormForward(&out, &mean, &rstd, x, weight, bias, rows, c, eps: 1e-5)
            }
            // Reads dout, x, weight, mean, rstd and the two parameter gradients; writes dx and them.
            measure("layerNorm backward C=\(c)", shape, read: 2 * n + 3 * c + 2 * rows, written: n + 2 * c, into: &report) {
                layerNormBackward(GradientTarget(pointer: &dx, accumulate: false), &dweight, &dbias, dout, x, weight, mean, rstd, rows, c)
            }
            // GELU on the MLP's 4C hidden units: reads h; writes out and the cached tanh.
            measure("gelu forward C=\(c)", "\(rows)×\(4 * c)", read: hidden, written: 2 * hidden, into: &report) {
                geluForward(&hOut, &tCache, h, hidden)
            }
            // Reads h, the cached tanh and the output's gradient; writes the input's.
            measure("gelu backward C=\(c)", "\(rows)×\(4 * c)", read: 3 * hidden, written: hidden, into: &report) {
                geluBackward(GradientTarget(pointer: &dhIn, accumulate: false), h, tCache, dh, hidden)
            }
            // Attention: reads q, k, v; writes out and the log-sum-exp per row and head.
            measure("attention forward C=\(c)", "\(shape), \(heads) heads", read: 3 * n, written: n + rows * heads, into: &report) {
                attentionForward(&out, &lse, qkv, sequenceStarts, heads, hs, scale: scale, dropout: nil)
            }
            // Reads dout, out, lse, q, k, v; writes dq, dk, dv.
            measure("attention backward C=\(c)", "\(shape), \(heads) heads", read: 5 * n + rows * heads, written: 3 * n, into: &report) {
                attentionBackward(&dqkv, dout, out, lse, qkv, sequenceStarts, heads, hs, scale: scale, dropout: nil)
            }
        }
    }

    /// Times `body` (best and median of 15 runs) and the floor for the same traffic: `read` and
    /// `written` floats.
    private static func measure(
        _ name: String, _ shape: String, read: Int, written: Int, into report: inout BenchmarkReport, _ body: () -> Void
    ) {
        guard TrainingBenchmark.selected(name) else { return }
        let kernel = timedRuns(repetitions: 15, minimumRun: .milliseconds(2), body)
        let floor = streamFloor(read: read, written: written)
        let bytes = Double(4 * (read + written))
        report.add(section: section, name: name, shape: shape, metrics: [
            ("µs", kernel.median * 1e6), ("best µs", kernel.best * 1e6), ("floor µs", floor * 1e6),
            ("GB/s", bytes / kernel.best / 1e9), ("% of floor", 100 * floor / kernel.best),
        ])
    }

    /// The best time of reading `read` floats (summed in four 16-lane chains, so the loads are
    /// the only limit) and writing `written` floats, from buffers kept warm like the kernels'.
    private static func streamFloor(read: Int, written: Int) -> Double {
        let source = [Float](repeating: 1, count: read + 64)
        var target = [Float](repeating: 0, count: written + 64)
        return source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                let s = UnsafeRawPointer(source.baseAddress!), t = UnsafeMutableRawPointer(target.baseAddress!)
                return timedRuns(repetitions: 15, minimumRun: .milliseconds(2)) {
                    typealias V = SIMD16<Float>
                    var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                    var i = 0
                    while i < read {
                        a0 += s.loadUnaligned(fromByteOffset: 4 * i, as: V.self)
                        a1 += s.loadUnaligned(fromByteOffset: 4 * (i + 16), as: V.self)
                        a2 += s.loadUnaligned(fromByteOffset: 4 * (i + 32), as: V.self)
                        a3 += s.loadUnaligned(fromByteOffset: 4 * (i + 48), as: V.self)
                        i += 64
                    }
                    let sum = a0 + a1 + a2 + a3
                    var j = 0
                    while j < written {
                        t.storeBytes(of: sum, toByteOffset: 4 * j, as: V.self)
                        j += 16
                    }
                }.best
            }
        }
    }
}
