import Testing
@testable import MakemoreKit

/// Graph semantics: accumulation, detaching, inference mode, shared nodes, deep graphs, views.
@Suite struct GraphTests {
    @Test func backwardTwiceDoublesAndZeroGradClears() {
        let x = Tensor(shape: [3], values: [0.5, -1, 2], requiresGrad: true)
        let w = Tensor(shape: [3], values: [1, 2, 3], requiresGrad: true)
        let loss = (x * w).tanh().sum()
        loss.backward()
        let once = x.gradValues!, wOnce = w.gradValues!
        loss.backward()
        expectClose(x.gradValues!, once.map { 2 * $0 }, tolerance: 1e-7)
        expectClose(w.gradValues!, wOnce.map { 2 * $0 }, tolerance: 1e-7)
        x.zeroGrad()
        #expect(x.gradValues == [0, 0, 0])
        loss.backward()
        expectClose(x.gradValues!, once, tolerance: 1e-7)
    }

    @Test func sharedNodeAccumulates() {
        // y = x·x + x uses x three times: ∂y/∂x = 2x + 1.
        let x = Tensor(shape: [2], values: [3, -4], requiresGrad: true)
        let h = x * x  // h feeds two branches
        (h + x + h.scaled(by: 0)).sum().backward()
        #expect(x.gradValues == [7, -7])
    }

    /// The ops that write a gradient's first contribution (linear, +, gelu, tanh, LayerNorm,
    /// BatchNorm, reshape, cross-entropy) and add the later ones: x, used by all of them at once
    /// (first contribution written into a new buffer), must get the sum of what each gives alone
    /// (added into a zeroed leaf buffer). Same values up to the order of the additions; that
    /// whole training runs keep every bit is what `.ci/fixed-seed-runs` checks.
    @Test func firstContributionsWrittenEqualAccumulated() {
        var generator = RandomGenerator(seed: 5)
        let x = Tensor.normal(shape: [6, 8], std: 1, requiresGrad: true, using: &generator)
        let w = Tensor.normal(shape: [8, 8], std: 0.3, requiresGrad: true, using: &generator)
        let b = Tensor.normal(shape: [8], std: 0.3, requiresGrad: true, using: &generator)
        let g = Tensor.normal(shape: [8], std: 1, requiresGrad: true, using: &generator)
        let targets: [Int32] = [0, 3, -1, 7, 2, 5]
        let branches: [(Tensor) -> Tensor] = [
            { linear($0, weight: w, bias: b) },
            { $0 + b },
            { $0 + $0 },
            { $0.gelu() },
            { $0.tanh() },
            { layerNorm($0, weight: g, bias: b) },
            { batchNorm($0, gamma: g, beta: b).output },
            { $0.reshaped([8, 6]).reshaped([6, 8]) },
        ]
        func loss(_ y: Tensor) -> Tensor { crossEntropy(logits: y * y.scaled(by: 0.5), targets: targets) }
        // All branches in one graph: x's gradient is written once, then added to.
        let total = branches.map { loss($0(x)) }.reduce(Tensor(0)) { $0 + $1 }
        total.backward()
        let together = x.gradValues!, wTogether = w.gradValues!
        // Each branch alone, its gradient added into a running sum in the same order.
        var sum = [Float](repeating: 0, count: x.count), wSum = [Float](repeating: 0, count: w.count)
        for branch in branches {
            x.zeroGrad(); w.zeroGrad()
            loss(branch(x)).backward()
            for i in sum.indices { sum[i] += x.gradValues![i] }
            for i in wSum.indices { wSum[i] += w.gradValues![i] }
        }
        expectClose(together, sum, tolerance: 1e-5)
        expectClose(wTogether, wSum, tolerance: 1e-5)
    }

    @Test func detachedTensorsGetNoGradient() {
        let x = Tensor(shape: [2], values: [1, 2], requiresGrad: true)
        let w = Tensor(shape: [2], values: [3, 4], requiresGrad: true)
        let d = x.detached()
        #expect(!d.requiresGrad && d.values == x.values)
        (d * w).sum().backward()
        #expect(x.gradValues == nil && d.gradValues == nil)
        #expect(w.gradValues == [1, 2])
        // Constants (requiresGrad false) never receive a gradient either.
        let c = Tensor(shape: [2], values: [5, 6])
        (c * w).sum().backward()
        #expect(c.gradValues == nil)
    }

    @Test func inferenceModeRecordsNothing() {
        let w = Tensor(shape: [2, 2], values: [1, 2, 3, 4], requiresGrad: true)
        let y = Tensor.withoutGradient { matmul(w, w).tanh().sum() }
        #expect(!y.requiresGrad && y.parents.isEmpty && y.backwardFunction == nil)
        #expect(Tensor.withoutGradient { Tensor.isRecording } == false)
        #expect(Tensor.isRecording)
        let z = matmul(w, w).sum()
        #expect(z.requiresGrad && z.parents.count == 1)
    }

    @Test func deepGraphNeitherRecursesInBackwardNorInDeinit() {
        // 50 000 chained ops: a recursive topological sort or ARC's recursive release of the
        // chain would overflow the stack.
        let x = Tensor(shape: [1], values: [1], requiresGrad: true)
        do {
            var y = x
            for _ in 0..<50_000 { y = y.adding(0.5) }
            y.scaled(by: 2).sum().backward()
            #expect(y.item == 25_001)
        }
        #expect(x.gradValues == [2])
    }

    @Test func viewsShareDataAndParameterUpdatesAreVisible() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let r = x.reshaped([3, 2]), row = x.rows(1..<2)
        x.copy(from: [0, 0, 0, 7, 8, 9])
        #expect(r.values == [0, 0, 0, 7, 8, 9] && row.values == [7, 8, 9])
        // Gradients of a view flow back into the base tensor.
        (row * row).sum().backward()
        #expect(x.gradValues == [0, 0, 0, 14, 16, 18])
    }

    @Test func parameterUpdatesInPlace() {
        let p = Tensor(shape: [3], values: [1, -2, 3], requiresGrad: true)
        (p * Tensor(shape: [3], values: [0.5, 1, -2])).sum().backward()  // ∂p = (0.5, 1, −2)
        Optimizer(parameters: [p], configuration: OptimizerConfiguration(kind: .sgd)).step(learningRate: 0.1)
        expectClose(p.values, [0.95, -2.1, 3.2], tolerance: 1e-7)
        // AdamW's first step moves each element by lr·sign(∂p) (m̂ = g, v̂ = g²), plus decay.
        Optimizer(parameters: [p], configuration: OptimizerConfiguration(kind: .adamw)).step(learningRate: 0.01)
        expectClose(p.values, [0.94, -2.11, 3.21], tolerance: 1e-6)
    }
}
