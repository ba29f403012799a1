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
}
