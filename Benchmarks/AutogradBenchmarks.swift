import Dispatch
import MakemoreKit

/// Training-step timings of the autograd engine on makemore-sized models (forward + backward
/// + SGD), so engine overhead can be told apart from matmul time.
func runAutogradBenchmarks() {
    func time(_ name: String, steps: Int, _ body: () -> Void) {
        body()  // warm-up: fills the buffer pool
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { body() }
        let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(steps)
        print("\(name): \(Int(micros)) µs/step")
    }
    var g = RandomGenerator(seed: 1)

    // MLP (makemore part 3): B = 32, context 3, embedding 10, hidden 200 with BatchNorm, vocab 27.
    do {
        let c = Tensor.normal(shape: [27, 10], requiresGrad: true, using: &g)
        let w1 = Tensor.normal(shape: [200, 30], std: 0.2, requiresGrad: true, using: &g)
        let gamma = Tensor.ones(shape: [200], requiresGrad: true), beta = Tensor.zeros(shape: [200], requiresGrad: true)
        let w2 = Tensor.normal(shape: [27, 200], std: 0.01, requiresGrad: true, using: &g)
        let b2 = Tensor.zeros(shape: [27], requiresGrad: true)
        let parameters = [c, w1, gamma, beta, w2, b2]
        let optimizer = Optimizer(parameters: parameters, configuration: OptimizerConfiguration(kind: .sgd))
        let indices = (0..<96).map { _ in Int32(g.integer(below: 27)) }
        let targets = (0..<32).map { _ in Int32(g.integer(below: 27)) }
        time("mlp+batchnorm B=32 H=200", steps: 2000) {
            let x = embedding(c, indices: indices, shape: [32, 3]).reshaped([32, 30])
            let h = batchNorm(linear(x, weight: w1), gamma: gamma, beta: beta).output.tanh()
            let loss = crossEntropy(logits: linear(h, weight: w2, bias: b2), targets: targets)
            for p in parameters { p.zeroGrad() }
            loss.backward()
            optimizer.step(learningRate: 0.1)
        }
    }

    // One transformer block + head: B = 32, T = 16, C = 64, 4 heads, vocab 27.
    do {
        let (B, T, C, H, V) = (32, 16, 64, 4, 27)
        func p(_ shape: [Int], _ std: Float) -> Tensor { Tensor.normal(shape: shape, std: std, requiresGrad: true, using: &g) }
        let wte = p([V, C], 0.02), wpe = p([T, C], 0.02)
        let ln1w = Tensor.ones(shape: [C], requiresGrad: true), ln1b = Tensor.zeros(shape: [C], requiresGrad: true)
        let attnW = p([3 * C, C], 0.02), attnB = Tensor.zeros(shape: [3 * C], requiresGrad: true)
        let projW = p([C, C], 0.02), projB = Tensor.zeros(shape: [C], requiresGrad: true)
        let ln2w = Tensor.ones(shape: [C], requiresGrad: true), ln2b = Tensor.zeros(shape: [C], requiresGrad: true)
        let fcW = p([4 * C, C], 0.02), fcB = Tensor.zeros(shape: [4 * C], requiresGrad: true)
        let fc2W = p([C, 4 * C], 0.02), fc2B = Tensor.zeros(shape: [C], requiresGrad: true)
        let headW = p([V, C], 0.02)
        let parameters = [wte, wpe, ln1w, ln1b, attnW, attnB, projW, projB, ln2w, ln2b, fcW, fcB, fc2W, fc2B, headW]
        let optimizer = Optimizer(parameters: parameters, configuration: OptimizerConfiguration(kind: .sgd))
        let idx = (0..<(B * T)).map { _ in Int32(g.integer(below: V)) }
        let targets = (0..<(B * T)).map { _ in Int32(g.integer(below: V)) }
        time("gpt block B=32 T=16 C=64 nh=4", steps: 200) {
            var x = embedding(wte, indices: idx, shape: [B, T]) + wpe  // (B, T, C)
            let qkv = linear(layerNorm(x, weight: ln1w, bias: ln1b), weight: attnW, bias: attnB)  // (B, T, 3C)
            func heads(_ part: Int) -> Tensor {  // (B·nh, T, hs)
                qkv.sliced(axis: -1, part * C..<(part + 1) * C).reshaped([B, T, H, C / H])
                    .permuted([0, 2, 1, 3]).reshaped([B * H, T, C / H])
            }
            let (q, k, v) = (heads(0), heads(1), heads(2))
            let att = matmul(q, k, transposeB: true).scaled(by: 1 / Float(C / H).squareRoot()).softmax(causal: true)
            let y = matmul(att, v).reshaped([B, H, T, C / H]).permuted([0, 2, 1, 3]).reshaped([B, T, C])
            x = x + linear(y, weight: projW, bias: projB)
            let m = linear(linear(layerNorm(x, weight: ln2w, bias: ln2b), weight: fcW, bias: fcB).gelu(),
                           weight: fc2W, bias: fc2B)
            x = x + m
            let loss = crossEntropy(logits: linear(x, weight: headW), targets: targets)
            for p in parameters { p.zeroGrad() }
            loss.backward()
            optimizer.step(learningRate: 0.1)
        }
    }
}
