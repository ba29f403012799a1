import Testing
@testable import MakemoreKit

/// Every parameter gradient of a small network, embedding → linear → tanh → linear →
/// cross-entropy, against finite differences of the loss.
@Suite struct EndToEndGradientTests {
    @Test func twoLayerNetworkGradients() {
        var g = RandomGenerator(seed: 7)
        let vocabulary = 6, width = 3, context = 2, hidden = 5
        let table = Tensor.normal(shape: [vocabulary, width], requiresGrad: true, using: &g)
        let w1 = Tensor.normal(shape: [hidden, context * width], std: 0.5, requiresGrad: true, using: &g)
        let b1 = Tensor.normal(shape: [hidden], std: 0.1, requiresGrad: true, using: &g)
        let w2 = Tensor.normal(shape: [vocabulary, hidden], std: 0.5, requiresGrad: true, using: &g)
        let b2 = Tensor.normal(shape: [vocabulary], std: 0.1, requiresGrad: true, using: &g)
        let indices: [Int32] = [0, 1, 1, 4, 4, 4, 2, 0]  // 4 examples × 2 context positions, repeats
        let targets: [Int32] = [1, 4, -1, 5]             // one ignored example
        GradientCheck().expectCorrect([table, w1, b1, w2, b2]) { p in
            let x = embedding(p[0], indices: indices, shape: [4, context]).reshaped([4, context * width])
            let h = linear(x, weight: p[1], bias: p[2]).tanh()
            return crossEntropy(logits: linear(h, weight: p[3], bias: p[4]), targets: targets)
        }
    }

    /// Causal self-attention as makemore.py composes it, from the test oracles: packed q, k, v
    /// projection, split into heads by slicing, reshaping and permuting, masked softmax, output
    /// projection.
    @Test func causalSelfAttentionGradients() {
        let (B, T, C, H) = (2, 3, 4, 2)
        let x = randomTensor([B, T, C], seed: 1)
        let wqkv = randomTensor([3 * C, C], std: 0.5, seed: 2), bqkv = randomTensor([3 * C], std: 0.1, seed: 3)
        let wproj = randomTensor([C, C], std: 0.5, seed: 4)
        let lnw = randomTensor([C], seed: 5), lnb = randomTensor([C], seed: 6)
        GradientCheck().expectCorrect([x, wqkv, bqkv, wproj, lnw, lnb]) { p in
            let qkv = linear(layerNorm(p[0], weight: p[4], bias: p[5]), weight: p[1], bias: p[2])  // (B, T, 3C)
            func heads(_ i: Int) -> Tensor {  // (B·H, T, C/H)
                qkv.sliced(axis: -1, i * C..<(i + 1) * C).reshaped([B, T, H, C / H])
                    .permuted([0, 2, 1, 3]).reshaped([B * H, T, C / H])
            }
            let att = matmul(heads(0), heads(1), transposeB: true).scaled(by: 1 / Float(C / H).squareRoot())
                .softmax(causal: true)
            let y = matmul(att, heads(2)).reshaped([B, H, T, C / H]).permuted([0, 2, 1, 3]).reshaped([B, T, C])
            return p[0] + linear(y, weight: p[3]).gelu()
        }
    }

    /// A GRU unrolled over time as makemore.py writes it, from the test oracles: per-step slices
    /// of the input, concatenation, sigmoid gates and a convex combination of states.
    @Test func unrolledGRUGradients() {
        let (B, T, C, Hd) = (2, 3, 3, 4)
        let x = randomTensor([B, T, C], seed: 1)
        let wz = randomTensor([Hd, C + Hd], std: 0.5, seed: 2), wr = randomTensor([Hd, C + Hd], std: 0.5, seed: 3)
        let wh = randomTensor([Hd, C + Hd], std: 0.5, seed: 4), bz = randomTensor([Hd], std: 0.1, seed: 5)
        let h0 = randomTensor([1, Hd], std: 0.5, seed: 6)
        GradientCheck().expectCorrect([x, wz, wr, wh, bz, h0]) { p in
            var h = concatenated([p[5], p[5]], axis: 0)  // (B, Hd)
            var outputs: [Tensor] = []
            for t in 0..<T {
                let xt = p[0].sliced(axis: 1, t..<t + 1).reshaped([B, C])
                let xh = concatenated([xt, h])
                let z = linear(xh, weight: p[1], bias: p[4]).sigmoid()
                let r = linear(xh, weight: p[2]).sigmoid()
                let candidate = linear(concatenated([xt, r * h]), weight: p[3]).tanh()
                h = (1 - z) * h + z * candidate
                outputs.append(h.reshaped([B, 1, Hd]))
            }
            return concatenated(outputs, axis: 1)  // (B, T, Hd)
        }
    }
}
