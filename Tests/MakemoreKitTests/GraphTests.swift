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
