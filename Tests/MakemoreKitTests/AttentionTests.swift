import Testing
@testable import MakemoreKit

/// The fused attention op against finite differences and against the plain composition
/// matmul + causal mask + softmax + matmul built from the test oracles.
@Suite struct AttentionTests {
    /// Attention composed from primitive ops, one sequence at a time: qkv (N, 3C) → (N, C).
    /// With `dropout`, the probabilities are multiplied by its mask, written out as a tensor.
    static func composedAttention(_ qkv: Tensor, starts: [Int], heads: Int, dropout: AttentionDropout? = nil) -> Tensor {
        let c = qkv.shape[1] / 3, hs = c / heads
        let outputs = zip(starts, starts.dropFirst()).map { first, end -> Tensor in
            let t = end - first
            let rows = qkv.rows(first..<end)  // (T, 3C)
            func split(_ i: Int) -> Tensor {  // (nh, T, hs)
                rows.sliced(axis: 1, i * c..<(i + 1) * c).reshaped([t, heads, hs]).permuted([1, 0, 2])
            }
            var att = matmul(split(0), split(1), transposeB: true).scaled(by: 1 / Float(hs).squareRoot())
                .softmax(causal: true)  // (nh, T, T)
            if let dropout {
                let mask = (0..<(heads * t * t)).map { i -> Float in
                    let h = i / (t * t), query = i / t % t, key = i % t
                    return dropout.mask.factor(row: (first + query) * heads + h, key: key)
                }
                att = att * Tensor(shape: [heads, t, t], values: mask)
            }
            return matmul(att, split(2)).permuted([1, 0, 2]).reshaped([t, c])  // (T, C)
        }
        return concatenated(outputs, axis: 0)
    }

    static let starts = [0, 3, 4, 8]  // sequences of 3, 1 and 4 positions

    @Test func matchesTheComposition() {
        let heads = 2
        let qkv = randomTensor([8, 3 * 6], seed: 3)
        let fused = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: Self.starts)
        let weights = randomTensor(fused.shape, seed: 4, requiresGrad: false)
        (fused * weights).sum().backward()
        let fusedGradient = qkv.gradValues!
        qkv.zeroGrad()
        let composed = Self.composedAttention(qkv, starts: Self.starts, heads: heads)
        (composed * weights).sum().backward()
        expectClose(fused.values, composed.values)
        expectClose(fusedGradient, qkv.gradValues!)
    }

    /// Rows longer than one 16-lane vector (the kernel exponentiates a row in whole vectors):
    /// sequences of 37, 16 and 17 positions, with and without dropout.
    @Test func longSequencesMatchTheComposition() {
        let heads = 2, starts = [0, 37, 53, 70]
        let qkv = randomTensor([70, 3 * 4], seed: 8)
        for dropout in [nil, AttentionDropout(probability: 0.2, seed: 5)] {
            let fused = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: starts, dropout: dropout)
            let weights = randomTensor(fused.shape, seed: 9, requiresGrad: false)
            qkv.zeroGrad()
            (fused * weights).sum().backward()
            let fusedGradient = qkv.gradValues!
            qkv.zeroGrad()
            let composed = Self.composedAttention(qkv, starts: starts, heads: heads, dropout: dropout)
            (composed * weights).sum().backward()
            expectClose(fused.values, composed.values)
            expectClose(fusedGradient, qkv.gradValues!)
        }
    }

    @Test func dropoutMatchesTheMaskedComposition() {
        let heads = 2, dropout = AttentionDropout(probability: 0.3, seed: 11)
        let qkv = randomTensor([8, 3 * 6], seed: 3)
        let fused = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: Self.starts, dropout: dropout)
        let weights = randomTensor(fused.shape, seed: 4, requiresGrad: false)
        (fused * weights).sum().backward()
        let fusedGradient = qkv.gradValues!
        qkv.zeroGrad()
        let composed = Self.composedAttention(qkv, starts: Self.starts, heads: heads, dropout: dropout)
        (composed * weights).sum().backward()
        expectClose(fused.values, composed.values)
        expectClose(fusedGradient, qkv.gradValues!)
        let undropped = causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: Self.starts).values
        #expect(zip(fused.values, undropped).contains { abs($0 - $1) > 0.01 })  // the mask did something
    }

    @Test func dropoutGradientsMatchFiniteDifferences() {
        let qkv = randomTensor([8, 3 * 4], seed: 5)
        GradientCheck().expectCorrect([qkv]) { p in
            causalSelfAttention(qkv: p[0], heads: 2, sequenceStarts: Self.starts, dropout: AttentionDropout(probability: 0.25, seed: 2))
        }
    }

    @Test func dropoutMaskKeepsTheRightShareAndFollowsTheSeed() {
        let dropout = AttentionDropout(probability: 0.25, seed: 9)
        let factors = (0..<20_000).map { dropout.mask.factor(row: $0 / 16, key: $0 % 16) }
        #expect(factors.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        #expect(abs(Double(factors.filter { $0 != 0 }.count) / 20_000 - 0.75) < 0.01)
        #expect(factors == (0..<20_000).map { AttentionDropout(probability: 0.25, seed: 9).mask.factor(row: $0 / 16, key: $0 % 16) })
        #expect(factors != (0..<20_000).map { AttentionDropout(probability: 0.25, seed: 10).mask.factor(row: $0 / 16, key: $0 % 16) })
    }

    @Test func attentionDropoutOnlyWhileTraining() {
        let layer = Dropout(probability: 0.2, seed: 3)
        let first = layer.attentionDropout(), second = layer.attentionDropout()
        #expect(first?.probability == 0.2 && first?.seed != second?.seed)  // a fresh mask every step
        layer.setTraining(false)
        #expect(layer.attentionDropout() == nil)
        #expect(Dropout(probability: 0, seed: 3).attentionDropout() == nil)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let qkv = randomTensor([8, 3 * 4], seed: 5)
        GradientCheck().expectCorrect([qkv]) { p in
            causalSelfAttention(qkv: p[0], heads: 2, sequenceStarts: Self.starts)
        }
    }

    @Test func lastRowsMatchTheFullForward() {
        // Two sequences of 5 and 3 positions in slots 1 and 0 of a cache with room for 6.
        let first = randomTensor([5, 3 * 8], seed: 6, requiresGrad: false)
        let second = randomTensor([3, 3 * 8], seed: 7, requiresGrad: false)
        let cache = Tensor.zeros(shape: [2, 6, 3 * 8])
        cache.data.advanced(by: 6 * 24).update(from: first.data, count: first.count)
        cache.data.update(from: second.data, count: second.count)
        let full = causalSelfAttention(qkv: first, heads: 4, sequenceStarts: [0, 5]).values
            + causalSelfAttention(qkv: second, heads: 4, sequenceStarts: [0, 3]).values
        let slots = [1, 0, 1, 1, 0, 1, 0, 1], positions = [4, 2, 0, 3, 0, 1, 1, 2]
        let rows = causalSelfAttentionLastRows(cache: cache, slots: slots, positions: positions, heads: 4)
        let expected: [Float] = zip(slots, positions).flatMap { (slot: Int, t: Int) -> ArraySlice<Float> in
            let row = slot == 1 ? t : 5 + t  // slot 1 holds the first sequence
            return full[(row * 8)..<((row + 1) * 8)]
        }
        expectClose(rows.values, expected)
    }

    @Test func layerNormGradients() {
        let x = randomTensor([3, 5], seed: 7), w = randomTensor([5], seed: 8), b = randomTensor([5], seed: 9)
        GradientCheck().expectCorrect([x, w, b]) { p in layerNorm(p[0], weight: p[1], bias: p[2]) }
        let layer = LayerNorm(channels: 5)
        expectClose(layer(x).values, layerNorm(x, weight: .ones(shape: [5]), bias: .zeros(shape: [5])).values)
    }

    @Test func dropoutZeroesAndRescales() {
        var g = RandomGenerator(seed: 1)
        let x = Tensor.ones(shape: [10_001], requiresGrad: true)
        let y = dropout(x, probability: 0.25, using: &g)
        #expect(y.values.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        #expect(abs(Double(y.values.filter { $0 != 0 }.count) / 10_001 - 0.75) < 0.02)
        y.sum().backward()
        #expect(x.gradValues! == y.values)
    }
}
