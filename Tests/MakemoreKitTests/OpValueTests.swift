import Foundation
import Testing
@testable import MakemoreKit

/// Forward values against numbers worked out by hand.
@Suite struct OpValueTests {
    @Test func crossEntropyByHand() {
        // Row 0: logits (1, 2, 3), target 2: −log(e³/(e + e² + e³)) = log(1 + e⁻¹ + e⁻²) = 0.4076059644.
        // Row 1: logits (1, 1, 1), target 0: log 3 = 1.0986122887.
        let logits = Tensor(shape: [2, 3], values: [1, 2, 3, 1, 1, 1], requiresGrad: true)
        let loss = crossEntropy(logits: logits, targets: [2, 0])
        #expect(abs(loss.item - (0.4076059644 + 1.0986122887) / 2) < 1e-6)
        loss.backward()
        // ∂logits = (softmax − onehot)/2: row 0 softmax = (0.0900306, 0.2447285, 0.6652410).
        expectClose(logits.gradValues!, [0.0900306 / 2, 0.2447285 / 2, (0.6652410 - 1) / 2,
                                         (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6], tolerance: 1e-6)
        // Ignoring row 1 leaves row 0 alone, averaged over one row.
        let ignored = crossEntropy(logits: logits, targets: [2, -1])
        #expect(abs(ignored.item - 0.4076059644) < 1e-6)
        // Huge logits stay finite (max subtraction): same as (0, 1, 2) shifted.
        let huge = Tensor(shape: [1, 3], values: [1000, 1001, 1002])
        #expect(abs(crossEntropy(logits: huge, targets: [2]).item - 0.4076059644) < 1e-5)
    }

    @Test func softmaxRowsSumToOne() {
        let x = randomTensor([4, 7], std: 3, seed: 1, requiresGrad: false)
        let rows = x.softmax().sum(axis: -1).values
        expectClose(rows, [1, 1, 1, 1], tolerance: 1e-6)
        let big = Tensor(shape: [1, 3], values: [1000, 1000, -1000]).softmax().values
        expectClose(big, [0.5, 0.5, 0], tolerance: 1e-7)
        // log-softmax is the log of softmax.
        expectClose(x.logSoftmax().values, x.softmax().values.map { Foundation.log($0) }, tolerance: 1e-5)
    }

    @Test func causalSoftmaxMasksTheFuture() {
        let scores = randomTensor([2, 3, 3], seed: 2, requiresGrad: false)
        let p = scores.softmax(causal: true).values
        for b in 0..<2 {
            for t in 0..<3 {
                let row = Array(p[(b * 9 + t * 3)..<(b * 9 + t * 3 + 3)])
                #expect(abs(row.reduce(0, +) - 1) < 1e-6)
                #expect(row[(t + 1)...].allSatisfy { $0 == 0 })
            }
        }
        #expect(p[0] == 1)  // the first position attends only to itself
    }

    @Test func matmulAndLinearByHand() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b).values == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).values == [14, 32, 32, 77])
        #expect(matmul(a, a, transposeA: true).shape == [3, 3])
        // y = x·Wᵀ + b with W = [[1, 0, −1], [2, 1, 0]], bias (0.5, −1).
        let w = Tensor(shape: [2, 3], values: [1, 0, -1, 2, 1, 0])
        let y = linear(a.reshaped([1, 2, 3]), weight: w, bias: Tensor(shape: [2], values: [0.5, -1]))
        #expect(y.shape == [1, 2, 2])
        #expect(y.values == [-1.5, 3, -1.5, 12])
    }

    @Test func elementwiseAndReductionsByHand() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let c = Tensor(shape: [3], values: [10, 20, 30])
        #expect((x + c).values == [11, 22, 33, 14, 25, 36])
        #expect((c - x).values == [9, 18, 27, 6, 15, 24])
        #expect((x * c).values == [10, 40, 90, 40, 100, 180])
        #expect(x.sum().item == 21 && x.mean().item == 3.5)
        #expect(x.sum(axis: 0).values == [5, 7, 9] && x.sum(axis: 1).values == [6, 15])
        #expect(x.transposed().values == [1, 4, 2, 5, 3, 6])
        #expect(concatenated([x, c.reshaped([1, 3])], axis: 0).values == [1, 2, 3, 4, 5, 6, 10, 20, 30])
        #expect(concatenated([x, x.sliced(axis: 1, 0..<1)]).values == [1, 2, 3, 1, 4, 5, 6, 4])
        #expect(x.rows(1..<2).values == [4, 5, 6])
        #expect(Tensor(shape: [4], values: [-2, -0.5, 0, 3]).relu().values == [0, 0, 0, 3])
    }

    @Test func activationsMatchTheirFormulas() {
        let xs: [Float] = [-3, -1, -0.2, 0, 0.5, 2, 4]
        let x = Tensor(shape: [xs.count], values: xs)
        expectClose(x.gelu().values, xs.map { v in
            let d = Double(v)
            return Float(0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
        }, tolerance: 1e-6)
        expectClose(x.sigmoid().values, xs.map { Float(1 / (1 + Foundation.exp(-Double($0)))) }, tolerance: 1e-6)
        expectClose(x.tanh().values, xs.map { Float(Foundation.tanh(Double($0))) }, tolerance: 1e-6)
    }

    @Test func embeddingCopiesRows() {
        let table = Tensor(shape: [3, 2], values: [0, 1, 10, 11, 20, 21], requiresGrad: true)
        let e = embedding(table, indices: [2, 0, 2, 2], shape: [2, 2])
        #expect(e.shape == [2, 2, 2])
        #expect(e.values == [20, 21, 0, 1, 20, 21, 20, 21])
        e.sum().backward()
        #expect(table.gradValues == [1, 1, 0, 0, 3, 3])  // row 2 used three times
    }

    @Test func layerNormNormalisesRows() {
        let x = randomTensor([3, 4, 8], std: 5, seed: 3, requiresGrad: false).adding(2)
        let y = layerNorm(x, weight: .ones(shape: [8]), bias: .zeros(shape: [8])).values
        for r in 0..<12 {
            let row = y[(r * 8)..<(r * 8 + 8)].map(Double.init)
            let mean = row.reduce(0, +) / 8
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func batchNormStatistics() {
        // Channel 0 sees 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); channel 1 sees 0, 0, 4, 4.
        let x = Tensor(shape: [2, 2, 2], values: [1, 0, 2, 0, 3, 4, 6, 4])
        let gamma = Tensor(shape: [2], values: [2, 1]), beta = Tensor(shape: [2], values: [0, 5])
        let r = batchNorm(x, gamma: gamma, beta: beta, eps: 0)
        expectClose(r.mean.values, [3, 2])
        expectClose(r.variance.values, [3.5, 4])
        expectClose(r.unbiasedVariance, [14.0 / 3, 16.0 / 3])
        let s = Float(3.5).squareRoot()
        expectClose(r.output.values, [2 * (1 - 3) / s, 4, 2 * (2 - 3) / s, 4, 0, 6, 2 * 3 / s, 6])
    }

    /// 83 channels (the kernel sums groups of 32 channels in blocks of eight: two whole groups,
    /// then two whole blocks and a partial one): every channel's statistics and outputs equal a
    /// plain per-channel computation in Double.
    @Test func batchNormStatisticsOfManyChannels() {
        let (rows, channels) = (7, 83)
        let x = randomTensor([rows, channels], seed: 11)
        let gamma = randomTensor([channels], seed: 12), beta = randomTensor([channels], seed: 13)
        let r = batchNorm(x, gamma: gamma, beta: beta)
        let values = x.values.map(Double.init)
        for c in 0..<channels {
            let column = (0..<rows).map { values[$0 * channels + c] }
            let mean = column.reduce(0, +) / Double(rows)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows)
            #expect(abs(Double(r.mean.values[c]) - mean) < 1e-6)
            #expect(abs(Double(r.variance.values[c]) - variance) < 1e-6)
            for (row, value) in column.enumerated() {
                let expected = (value - mean) / (variance + 1e-5).squareRoot() * Double(gamma.values[c]) + Double(beta.values[c])
                #expect(abs(Double(r.output.values[row * channels + c]) - expected) < 1e-5)
            }
        }
    }
}
