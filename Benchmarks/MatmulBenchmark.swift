import MakemoreKit
import MakemoreKernels

/// GFLOP/s of every matrix product the models run: for each `Linear` layer the forward `nt`,
/// both backward products (`nn` for dx, `tn` for dW, accumulating as backward passes do) and,
/// for the small models, a plain `nn` forward for weights stored `[in, out]`; plus attention's
/// batched products. Each row gives the median run and the fastest one, and the fastest as a
/// share of the FMA peak measured first in the same process: on a busy machine the fastest run
/// is the least disturbed one. Single-threaded always; threaded too where `Matmul` splits the
/// product.
enum MatmulBenchmark {
    static let section = "matmul"

    /// A `Linear` layer applied to `rows` inputs: x (rows, inputs) → y (rows, outputs).
    struct LinearShape {
        var model: String
        var rows: Int
        var inputs: Int
        var outputs: Int
    }

    static let linearShapes = [
        LinearShape(model: "bigram", rows: 32, inputs: 27, outputs: 27),
        LinearShape(model: "mlp", rows: 32, inputs: 30, outputs: 200),
        LinearShape(model: "mlp", rows: 32, inputs: 200, outputs: 27),
        LinearShape(model: "deep mlp", rows: 32, inputs: 100, outputs: 100),
        LinearShape(model: "transformer", rows: 512, inputs: 64, outputs: 192),
        LinearShape(model: "transformer", rows: 512, inputs: 64, outputs: 64),
        LinearShape(model: "transformer", rows: 512, inputs: 64, outputs: 256),
        LinearShape(model: "transformer", rows: 512, inputs: 256, outputs: 64),
        LinearShape(model: "transformer", rows: 512, inputs: 64, outputs: 27),
    ]

    /// The `Linear` layers of the scaling benchmark's wider transformers (`ScalingBenchmark`):
    /// per block c_attn C→3C, attention c_proj C→C, mlp c_fc C→4C and c_proj 4C→C, then lm_head
    /// C→27, on the rows one thread runs: 32 packed words, 228 positions on names.txt's average.
    static let scalingShapes: [LinearShape] = [128, 256, 384].flatMap { c in
        [(c, 3 * c), (c, c), (c, 4 * c), (4 * c, c), (c, 27)].map { (i, o) in
            LinearShape(model: "transformer C=\(c)", rows: 228, inputs: i, outputs: o)
        }
    }

    static func run(into report: inout BenchmarkReport) {
        let peak = fmaPeak(into: &report)
        for shape in linearShapes + scalingShapes {
            let (r, i, o) = (shape.rows, shape.inputs, shape.outputs)
            let name = "\(shape.model) \(i)→\(o)"
            // y = x·Wᵀ: x (r, i), W (o, i) → y (r, o)
            measure(.nt, "\(name) fwd nt", batch: 1, m: r, n: o, k: i, accumulate: false, peak: peak, into: &report)
            // dx += dy·W: dy (r, o), W (o, i) → dx (r, i)
            measure(.nn, "\(name) dx nn", batch: 1, m: r, n: i, k: o, accumulate: true, peak: peak, into: &report)
            // dW += dyᵀ·x: dy (r, o), x (r, i) → dW (o, i)
            measure(.tn, "\(name) dW tn", batch: 1, m: o, n: i, k: r, accumulate: true, peak: peak, into: &report)
            guard shape.rows < 228 else { continue }
            // y = x·W: x (r, i), W (i, o) → y (r, o)
            measure(.nn, "\(name) fwd nn", batch: 1, m: r, n: o, k: i, accumulate: false, peak: peak, into: &report)
        }
        // Attention over 32 sequences × 4 heads, T = 16, head size 16.
        // att = q·kᵀ: q (B·nh, T, hs), k (B·nh, T, hs) → att (B·nh, T, T)
        measure(.nt, "attention q·kᵀ nt", batch: 128, m: 16, n: 16, k: 16, accumulate: false, peak: peak, into: &report)
        // y = att·v: att (B·nh, T, T), v (B·nh, T, hs) → y (B·nh, T, hs)
        measure(.nn, "attention att·v nn", batch: 128, m: 16, n: 16, k: 16, accumulate: false, peak: peak, into: &report)
        // Not a model shape: the smallest square-ish product big enough for `Matmul` to split.
        measure(.nn, "threading reference nn", batch: 1, m: 512, n: 256, k: 256, accumulate: false, peak: peak, into: &report)
    }

    /// The core's ceiling, measured like the products above: independent chains of fused
    /// multiply-adds (two per cycle at four cycles' latency need at least eight), nothing loaded
    /// or stored, in the registers the matrix kernel uses: sixteen chains of 16 lanes where the
    /// processor has AVX-512, twelve of 8 lanes elsewhere (sixteen 16-lane chains take 32 AVX2
    /// registers and spill, reading less than half the peak). A kernel's GFLOP/s over this row
    /// is how close it is to the peak.
    @discardableResult
    static func fmaPeak(into report: inout BenchmarkReport) -> Double {
        let iterations = 100_000
        let chains: Int, lanes: Int
        let seconds: (median: Double, best: Double)
        switch MicroKernel.preferred {
        case .wide:
            typealias V = SIMD16<Float>
            (chains, lanes) = (16, 16)
            let x = V(repeating: 0.999_999), y = V(repeating: 1e-7)
            seconds = timedRuns(repetitions: 15, minimumRun: .milliseconds(5)) {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
                var a8 = V(), a9 = V(), a10 = V(), a11 = V(), a12 = V(), a13 = V(), a14 = V(), a15 = V()
                for _ in 0..<iterations {
                    a0.addProduct(a0, x); a1.addProduct(a1, x); a2.addProduct(a2, x); a3.addProduct(a3, x)
                    a4.addProduct(a4, x); a5.addProduct(a5, x); a6.addProduct(a6, x); a7.addProduct(a7, x)
                    a8.addProduct(a8, y); a9.addProduct(a9, y); a10.addProduct(a10, y); a11.addProduct(a11, y)
                    a12.addProduct(a12, y); a13.addProduct(a13, y); a14.addProduct(a14, y); a15.addProduct(a15, y)
                }
                fmaSink += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15
            }
        case .narrow:
            typealias V = SIMD8<Float>
            (chains, lanes) = (12, 8)
            let x = V(repeating: 0.999_999), y = V(repeating: 1e-7)
            seconds = timedRuns(repetitions: 15, minimumRun: .milliseconds(5)) {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V()
                var a6 = V(), a7 = V(), a8 = V(), a9 = V(), a10 = V(), a11 = V()
                for _ in 0..<iterations {
                    a0.addProduct(a0, x); a1.addProduct(a1, x); a2.addProduct(a2, x)
                    a3.addProduct(a3, x); a4.addProduct(a4, x); a5.addProduct(a5, x)
                    a6.addProduct(a6, y); a7.addProduct(a7, y); a8.addProduct(a8, y)
                    a9.addProduct(a9, y); a10.addProduct(a10, y); a11.addProduct(a11, y)
                }
                let sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
                fmaSink += SIMD16(lowHalf: sum, highHalf: sum)
            }
        }
        let flops = Double(iterations * chains * lanes * 2)
        let best = flops / seconds.best / 1e9
        report.add(section: section, name: "FMA peak (\(chains) chains, registers only)", shape: "\(iterations)×\(chains)×\(lanes) FMA",
                   metrics: [("µs 1T", seconds.median * 1e6), ("GFLOP/s 1T", flops / seconds.median / 1e9),
                             ("best GFLOP/s 1T", best), ("% of peak", 100)])
        return best
    }

    /// Where the FMA loop's results go, so the optimiser cannot drop the loop.
    nonisolated(unsafe) static var fmaSink = SIMD16<Float>()

    enum Variant { case nn, nt, tn }

    private static func measure(
        _ variant: Variant, _ name: String, batch: Int, m: Int, n: Int, k: Int, accumulate: Bool, peak: Double,
        into report: inout BenchmarkReport
    ) {
        guard TrainingBenchmark.selected(name) else { return }
        var generator = RandomGenerator(seed: 1)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let a = random(batch * m * k), b = random(batch * k * n)
        var c = [Float](repeating: 0, count: batch * m * n)
        let flops = Double(2 * batch * m * n * k)

        func seconds(maxThreads: Int?) -> (median: Double, best: Double) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let (a, b, c) = (a.baseAddress!, b.baseAddress!, c.baseAddress!)
                        return timedRuns(repetitions: 15, minimumRun: .milliseconds(2)) {
                            switch variant {
                            case .nn: Matmul.nn(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                            case .nt: Matmul.nt(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                            case .tn: Matmul.tn(a, b, c, batch: batch, m: m, n: n, k: k, accumulate: accumulate, maxThreads: maxThreads)
                            }
                        }
                    }
                }
            }
        }

        let single = seconds(maxThreads: 1)
        let best = flops / single.best / 1e9
        var metrics = [("µs 1T", single.median * 1e6), ("GFLOP/s 1T", flops / single.median / 1e9),
                       ("best GFLOP/s 1T", best), ("% of peak", 100 * best / peak)]
        let threads = Matmul.threadCount(batch: batch, m: m, n: n, k: k)
        if threads > 1 {
            let threaded = seconds(maxThreads: nil)
            metrics += [("µs \(threads)T", threaded.median * 1e6), ("GFLOP/s \(threads)T", flops / threaded.median / 1e9),
                        ("best GFLOP/s \(threads)T", flops / threaded.best / 1e9)]
        }
        let shape = (batch > 1 ? "\(batch)×" : "") + "\(m)×\(k)·\(k)×\(n)"
        report.add(section: section, name: name, shape: shape, metrics: metrics)
    }
}
