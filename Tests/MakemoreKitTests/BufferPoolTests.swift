import Testing
@testable import MakemoreKit

/// The pool recycles buffers: a warmed-up training step allocates nothing new.
@Suite struct BufferPoolTests {
    @Test func identicalStepsReuseEveryBuffer() {
        let pool = BufferPool()  // private pool: other tests running in parallel don't count
        BufferPool.$current.withValue(pool) {
            var g = RandomGenerator(seed: 1)
            let table = Tensor.normal(shape: [27, 8], requiresGrad: true, using: &g)
            let w1 = Tensor.normal(shape: [16, 24], std: 0.2, requiresGrad: true, using: &g)
            let gamma = Tensor.ones(shape: [16], requiresGrad: true)
            let beta = Tensor.zeros(shape: [16], requiresGrad: true)
            let w2 = Tensor.normal(shape: [27, 16], std: 0.2, requiresGrad: true, using: &g)
            let b2 = Tensor.zeros(shape: [27], requiresGrad: true)
            let parameters = [table, w1, gamma, beta, w2, b2]
            let optimizer = Optimizer(parameters: parameters, configuration: OptimizerConfiguration(kind: .sgd))
            func step() {
                let indices = (0..<30).map { _ in Int32(g.integer(below: 27)) }
                let targets = (0..<10).map { _ in Int32(g.integer(below: 27)) }
                let x = embedding(table, indices: indices, shape: [10, 3]).reshaped([10, 24])
                let h = batchNorm(linear(x, weight: w1), gamma: gamma, beta: beta).output.tanh()
                let loss = crossEntropy(logits: linear(h, weight: w2, bias: b2), targets: targets)
                for p in parameters { p.zeroGrad() }
                loss.backward()
                optimizer.step(learningRate: 0.1)
            }
            step()
            let warm = pool.statistics
            #expect(warm.allocations > 10 && warm.cachedBuffers > 10)
            step()
            step()
            let after = pool.statistics
            #expect(after.allocations == warm.allocations, "a warmed-up step allocated new buffers")
            #expect(after.reuses >= 2 * warm.allocations - 2 * parameters.count * 2)
        }
    }

    @Test func sizeClassesAndCacheLimit() {
        let pool = BufferPool()
        #expect(BufferPool.capacity(for: 1) == 16 && BufferPool.capacity(for: 17) == 32)
        #expect(BufferPool.capacity(for: 64) == 64 && BufferPool.capacity(for: 65) == 128)
        do {
            _ = TensorStorage(count: 100, zeroed: true, pool: pool)
            _ = TensorStorage(count: 120, zeroed: false, pool: pool)  // same 128 class: reused
        }
        #expect(pool.statistics.allocations == 1 && pool.statistics.reuses == 1)
        #expect(pool.statistics.cachedBytes == 128 * 4)
        // Beyond the cache limit, returned buffers are freed.
        let small = BufferPool(maximumCachedBytes: 100)
        _ = TensorStorage(count: 64, zeroed: false, pool: small)
        #expect(small.statistics.cachedBuffers == 0)
    }
}
