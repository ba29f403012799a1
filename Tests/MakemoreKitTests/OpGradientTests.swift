import Testing
@testable import MakemoreKit

/// A finite-difference gradient check for every op, on random inputs with broadcast and batch
/// shapes. See `GradientCheck` for the method, step and tolerance.
@Suite struct OpGradientTests {
    let check = GradientCheck()

    @Test func gradientCheckCatchesAWrongGradient() {
        // tanh whose backward is off by 2%: the check must fail.
        func wrongTanh(_ x: Tensor) -> Tensor {
            let out = Tensor.withoutGradient { x.tanh() }
            out.record(inputs: [x]) { out in
                let y = out.values, g = out.gradValues!
                x.accumulateGrad(zip(y, g).map { 1.02 * (1 - $0 * $0) * $1 })
            }
            return out
        }
        let x = randomTensor([4, 5], seed: 1)
        #expect(!check.mismatches([x]) { wrongTanh($0[0]) }.isEmpty)
        // A missing gradient (input not connected) must fail too.
        #expect(!check.mismatches([x]) { _ in Tensor(1, requiresGrad: true).adding(0) }.isEmpty)
        // And the correct op passes.
        #expect(check.mismatches([x]) { $0[0].tanh() }.isEmpty)
    }

    @Test func addSameShapeAndBroadcast() {
        check.expectCorrect([randomTensor([3, 4], seed: 1), randomTensor([3, 4], seed: 2)]) { $0[0] + $0[1] }
        check.expectCorrect([randomTensor([5, 4], seed: 3), randomTensor([4], seed: 4)]) { $0[0] + $0[1] }
        check.expectCorrect([randomTensor([4], seed: 5), randomTensor([5, 4], seed: 6)]) { $0[0] + $0[1] }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 7), randomTensor([3, 4], seed: 8)]) { $0[0] + $0[1] }
        check.expectCorrect([randomTensor([2, 3], seed: 9), randomTensor([], seed: 10)]) { $0[0] + $0[1] }
    }

    @Test func subtractBothOrders() {
        check.expectCorrect([randomTensor([2, 3, 4], seed: 1), randomTensor([4], seed: 2)]) { $0[0] - $0[1] }
        check.expectCorrect([randomTensor([4], seed: 3), randomTensor([2, 3, 4], seed: 4)]) { $0[0] - $0[1] }
        check.expectCorrect([randomTensor([3, 4], seed: 5)]) { -$0[0] - 2 }
    }

    @Test func multiplySameShapeBroadcastAndSelf() {
        check.expectCorrect([randomTensor([3, 4], seed: 1), randomTensor([3, 4], seed: 2)]) { $0[0] * $0[1] }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 3), randomTensor([3, 4], seed: 4)]) { $0[0] * $0[1] }
        check.expectCorrect([randomTensor([4], seed: 5), randomTensor([6, 4], seed: 6)]) { $0[0] * $0[1] }
        check.expectCorrect([randomTensor([3, 4], seed: 7)]) { $0[0] * $0[0] + $0[0] }  // x² + x: 2x + 1
    }

    @Test func scalarAffine() {
        check.expectCorrect([randomTensor([3, 4], seed: 1)]) { $0[0].scaled(by: -1.5) }
        check.expectCorrect([randomTensor([3, 4], seed: 2)]) { $0[0].adding(3) * 0.5 }
        check.expectCorrect([randomTensor([3, 4], seed: 3)]) { 2 * $0[0].affine(scale: 0.3, shift: -1) / 4 }
    }

    @Test func activations() {
        check.expectCorrect([randomTensor([4, 6], seed: 1)]) { $0[0].tanh() }
        check.expectCorrect([awayFromZero(randomTensor([4, 6], seed: 2))]) { $0[0].relu() }
        check.expectCorrect([randomTensor([4, 6], std: 2, seed: 3)]) { $0[0].sigmoid() }
        check.expectCorrect([randomTensor([2, 3, 6], std: 2, seed: 4)]) { $0[0].gelu() }
    }

    @Test func reductions() {
        check.expectCorrect([randomTensor([3, 5], seed: 1)]) { $0[0].sum() }
        check.expectCorrect([randomTensor([3, 5], seed: 2)]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            check.expectCorrect([randomTensor([2, 3, 4], seed: 3)]) { $0[0].sum(axis: axis) }
            check.expectCorrect([randomTensor([2, 3, 4], seed: 4)]) { $0[0].mean(axis: axis) }
        }
    }

    @Test func views() {
        check.expectCorrect([randomTensor([2, 6], seed: 1)]) { $0[0].reshaped([3, -1]).tanh() }
        check.expectCorrect([randomTensor([5, 3], seed: 2)]) { $0[0].rows(1..<4).tanh() }
        // Two overlapping views of one tensor both feed the loss.
        check.expectCorrect([randomTensor([5, 3], seed: 3)]) { $0[0].rows(0..<3) * $0[0].rows(2..<5) }
        check.expectCorrect([randomTensor([2, 5, 3], seed: 4)]) { $0[0].sliced(axis: 1, 1..<3) }
        check.expectCorrect([randomTensor([2, 5, 6], seed: 5)]) { $0[0].sliced(axis: -1, 2..<6) }
        check.expectCorrect([randomTensor([2, 3, 4, 5], seed: 6)]) { $0[0].permuted([0, 2, 1, 3]) }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 7)]) { $0[0].permuted([2, 0, 1]) }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 8)]) { $0[0].transposed() }
        check.expectCorrect([randomTensor([2, 3, 2], seed: 9), randomTensor([2, 3, 4], seed: 10)]) {
            concatenated([$0[0], $0[1], $0[0]])
        }
        check.expectCorrect([randomTensor([2, 1, 4], seed: 11), randomTensor([2, 3, 4], seed: 12)]) {
            concatenated([$0[0], $0[1]], axis: 1)
        }
    }

    @Test func matmul2D() {
        let a = randomTensor([3, 4], seed: 1), b = randomTensor([4, 5], seed: 2)
        check.expectCorrect([a, b]) { matmul($0[0], $0[1]) }
        let at = randomTensor([4, 3], seed: 3), bt = randomTensor([5, 4], seed: 4)
        check.expectCorrect([at, b]) { matmul($0[0], $0[1], transposeA: true) }
        check.expectCorrect([a, bt]) { matmul($0[0], $0[1], transposeB: true) }
        check.expectCorrect([at, bt]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) }
        check.expectCorrect([a]) { matmul($0[0], $0[0], transposeB: true) }  // a·aᵀ
    }

    @Test func matmulBatched() {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([2, 4, 5], seed: 2)
        check.expectCorrect([a, b]) { matmul($0[0], $0[1]) }
        check.expectCorrect([randomTensor([2, 4, 3], seed: 3), b]) { matmul($0[0], $0[1], transposeA: true) }
        check.expectCorrect([a, randomTensor([2, 5, 4], seed: 4)]) { matmul($0[0], $0[1], transposeB: true) }
    }

    @Test func linearLayer() {
        let w = randomTensor([5, 4], std: 0.5, seed: 1), b = randomTensor([5], seed: 2)
        check.expectCorrect([randomTensor([3, 4], seed: 3), w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 4), w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        check.expectCorrect([randomTensor([3, 4], seed: 5), w]) { linear($0[0], weight: $0[1]) }
    }

    @Test func embeddingWithRepeatedIndices() {
        let table = randomTensor([6, 3], seed: 1)
        check.expectCorrect([table]) { embedding($0[0], indices: [1, 4, 1, 0, 4, 4], shape: [2, 3]) }
        check.expectCorrect([table]) { embedding($0[0], indices: [5, 5, 2]).tanh() }
    }

    @Test func softmaxFamily() {
        check.expectCorrect([randomTensor([3, 5], seed: 1)]) { $0[0].softmax() }
        check.expectCorrect([randomTensor([2, 4, 4], seed: 2)]) { $0[0].softmax(causal: true) }
        check.expectCorrect([randomTensor([2, 3, 5], seed: 3)]) { $0[0].logSoftmax() }
    }

    @Test func crossEntropyWithIgnoredTargets() {
        check.expectCorrect([randomTensor([5, 4], seed: 1)]) { crossEntropy(logits: $0[0], targets: [3, 0, -1, 3, 1]) }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 2)]) {
            crossEntropy(logits: $0[0], targets: [0, 9, 2, 9, 9, 3], ignoreIndex: 9)
        }
        // Only ignored rows: zero loss, zero gradient.
        let logits = randomTensor([2, 4], seed: 3)
        let loss = crossEntropy(logits: logits, targets: [-1, -1])
        loss.backward()
        #expect(loss.item == 0)
        #expect(logits.gradValues == [Float](repeating: 0, count: 8))
    }

    @Test func layerNormBatchAndSequence() {
        let w = randomTensor([5], seed: 1), b = randomTensor([5], seed: 2)
        check.expectCorrect([randomTensor([3, 5], seed: 3), w, b]) { layerNorm($0[0], weight: $0[1], bias: $0[2]) }
        check.expectCorrect([randomTensor([2, 3, 5], seed: 4), w, b]) { layerNorm($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func batchNormBatchAndSequence() {
        let g = randomTensor([4], seed: 1), b = randomTensor([4], seed: 2)
        check.expectCorrect([randomTensor([6, 4], seed: 3), g, b]) { batchNorm($0[0], gamma: $0[1], beta: $0[2]).output }
        check.expectCorrect([randomTensor([2, 3, 4], seed: 4), g, b]) { batchNorm($0[0], gamma: $0[1], beta: $0[2]).output }
        // 37 channels: one whole group of the kernel's 32 and a group with a partial block.
        let g37 = randomTensor([37], seed: 5), b37 = randomTensor([37], seed: 6)
        check.expectCorrect([randomTensor([5, 37], seed: 7), g37, b37]) { batchNorm($0[0], gamma: $0[1], beta: $0[2]).output }
    }
}
