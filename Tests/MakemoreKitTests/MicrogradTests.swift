import Foundation
import Testing
@testable import MakemoreKit

/// micrograd's `Value`: its published checks, every op against central differences, memory
/// behaviour, and a small MLP whose gradients must equal the tensor engine's.
@Suite struct MicrogradTests {
    typealias Value = Micrograd.Value

    /// micrograd's `test_sanity_check` (values from PyTorch).
    @Test func sanityCheck() {
        let x = Value(-4)
        let z = 2 * x + 2 + x
        let q = z.relu() + z * x
        let h = (z * z).relu()
        let y = h + q + q * x
        y.backward()
        #expect(y.data == -20)
        #expect(x.grad == 46)
    }

    /// micrograd's `test_more_ops`: g = 24.7041, ∂g/∂a = 138.8338, ∂g/∂b = 645.5773.
    @Test func moreOps() {
        let a = Value(-4), b = Value(2)
        var c = a + b
        var d = a * b + b.raised(to: 3)
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
        let e = c - d
        let f = e.raised(to: 2)
        var g = f / 2.0
        g += 10.0 / f
        g.backward()
        #expect(abs(g.data - 24.70408163265306) < 1e-9)
        #expect(abs(a.grad - 138.83381924198252) < 1e-9)
        #expect(abs(b.grad - 645.5772594752186) < 1e-9)
        #expect(String(format: "%.4f %.4f %.4f", g.data, a.grad, b.grad) == "24.7041 138.8338 645.5773")
    }

    /// Every op's gradient against (f(x + h) − f(x − h)) / 2h at several points, for each input.
    @Test func everyOpAgainstCentralDifferences() {
        let unary: [(String, (Value) -> Value)] = [
            ("negate", { -$0 }), ("square", { $0.raised(to: 2) }), ("cube", { $0.raised(to: 3) }),
            ("reciprocal", { $0.raised(to: -1) }), ("exp", { $0.exp() }), ("tanh", { $0.tanh() }),
            ("relu", { $0.relu() }), ("x·x + x", { $0 * $0 + $0 }), ("3 − x", { 3 - $0 }), ("x / 4", { $0 / 4 }),
            ("2 / x", { 2 / $0 }), ("x − 1", { $0 - 1 }),
        ]
        for (name, f) in unary {
            for point in [-1.7, -0.3, 0.4, 2.2] {
                expectGradients(name, at: [point]) { f($0[0]) }
            }
        }
        for point in [0.3, 1.9] { expectGradients("sqrt", at: [point]) { $0[0].raised(to: 0.5) } }
        let binary: [(String, (Value, Value) -> Value)] = [
            ("add", { $0 + $1 }), ("multiply", { $0 * $1 }), ("subtract", { $0 - $1 }), ("divide", { $0 / $1 }),
            ("tanh(a·b + a)", { ($0 * $1 + $0).tanh() }), ("exp(a − b)·b", { ($0 - $1).exp() * $1 }),
        ]
        for (name, f) in binary {
            for points in [[-1.2, 0.7], [0.5, -2.1], [1.3, 1.6]] {
                expectGradients(name, at: points) { f($0[0], $0[1]) }
            }
        }
    }

    /// The check above must be able to fail: a tanh whose backward is 1% off is caught.
    @Test func centralDifferencesCatchAWrongGradient() {
        let x = Value(0.4)
        let wrong = Value(Foundation.tanh(0.4), operation: "tanh", inputs: [x]) { out in
            x.grad += 1.01 * (1 - out.data * out.data) * out.grad
        }
        wrong.backward()
        let h = 1e-6
        let numeric = (Foundation.tanh(0.4 + h) - Foundation.tanh(0.4 - h)) / (2 * h)
        #expect(abs(x.grad - numeric) > 1e-3)
    }

    @Test func backwardResetsOpsButAccumulatesIntoLeaves() {
        let a = Value(3), b = Value(-2)
        let c = a * b + a  // a is used twice: ∂c/∂a = b + 1
        c.backward()
        #expect(a.grad == -1 && b.grad == 3)
        c.backward()
        #expect(a.grad == -2 && b.grad == 6)  // leaves accumulate across calls
        #expect(c.grad == 1)  // the op nodes start from zero each time
        #expect(c.topologicalOrder().count == 4)  // a, b, a·b, c: a visited once
    }

    /// A graph owns only its inputs, so dropping the result frees every op node.
    @Test func graphsAreFreedWhenDropped() {
        weak var loss: Value?
        weak var hidden: Value?
        let parameter = Value(0.5)
        do {
            let h = (parameter * 2).tanh()
            let l = (h - 1).raised(to: 2)
            l.backward()
            loss = l
            hidden = h
            #expect(loss != nil && hidden != nil)
        }
        #expect(loss == nil && hidden == nil)
        #expect(parameter.grad != 0)
    }

    /// A chain of 200 000 additions: backward and teardown are iterative, so neither overflows.
    @Test func deepChainsDoNotOverflowTheStack() {
        let x = Value(1)
        var total = x
        for _ in 0..<200_000 { total = total + x }
        total.backward()
        #expect(total.data == 200_001 && x.grad == 200_001)
    }

    /// A 3-4-4-1 tanh MLP of `Value`s on micrograd's four examples, and the same network built
    /// from tensor ops (`linear`, `tanh`, squared error) with the same weights: the loss and
    /// every parameter's gradient agree within 1e-5.
    @Test func mlpGradientsEqualTheTensorEngine() {
        var generator = RandomGenerator(seed: 7)
        let network = Micrograd.MLP(inputCount: 3, layerSizes: [4, 4, 1], using: &generator)
        let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
        let ys: [Double] = [1, -1, -1, 1]
        let loss = Micrograd.squaredError(predictions: xs.map { network($0)[0] }, targets: ys)
        loss.backward()

        let weights = network.layers.map { layer in
            Tensor(shape: [layer.neurons.count, layer.neurons[0].weights.count],
                   values: layer.neurons.flatMap { $0.weights.map { Float($0.data) } }, requiresGrad: true)
        }
        let biases = network.layers.map { layer in
            Tensor(shape: [layer.neurons.count], values: layer.neurons.map { Float($0.bias.data) }, requiresGrad: true)
        }
        var activations = Tensor(shape: [4, 3], values: xs.flatMap { $0.map(Float.init) })
        for (weight, bias) in zip(weights, biases) {
            activations = linear(activations, weight: weight, bias: bias).tanh()
        }
        let difference = activations - Tensor(shape: [4, 1], values: ys.map(Float.init))
        let tensorLoss = (difference * difference).sum()
        tensorLoss.backward()

        #expect(abs(Double(tensorLoss.item) - loss.data) < 1e-5)
        for (index, layer) in network.layers.enumerated() {
            let weightGrad = weights[index].gradValues!, biasGrad = biases[index].gradValues!
            let inputs = layer.neurons[0].weights.count
            for (o, neuron) in layer.neurons.enumerated() {
                for (i, w) in neuron.weights.enumerated() {
                    #expect(abs(Double(weightGrad[o * inputs + i]) - w.grad) < 1e-5, "layer \(index) w[\(o), \(i)]")
                }
                #expect(abs(Double(biasGrad[o]) - neuron.bias.grad) < 1e-5, "layer \(index) b[\(o)]")
            }
        }
        #expect(network.parameters.count == 41)
        #expect(network.parameters.contains { abs($0.grad) > 1e-3 })
    }

    @Test func gradientDescentLowersTheLoss() {
        var generator = RandomGenerator(seed: 42)
        let network = Micrograd.MLP(inputCount: 3, layerSizes: [4, 4, 1], using: &generator)
        let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
        let ys: [Double] = [1, -1, -1, 1]
        var losses: [Double] = []
        for _ in 0..<30 {
            let loss = Micrograd.squaredError(predictions: xs.map { network($0)[0] }, targets: ys)
            for p in network.parameters { p.grad = 0 }
            loss.backward()
            for p in network.parameters { p.data -= 0.05 * p.grad }
            losses.append(loss.data)
        }
        #expect(losses.last! < losses.first! / 4)
    }

    /// The notes' walk-through in-process: the numbers `makemore micrograd` prints, seeded.
    @Test func walkThroughComputesTheNotesNumbers() throws {
        let walk = try Micrograd.WalkThrough(steps: 5, seed: 3)
        #expect(walk.lines.contains("   numeric (f(x + h) − f(x)) / h, h = 0.0001: 14.0003"))
        #expect(walk.json["expression"]?["L"]?.doubleValue == -8)
        #expect(abs(walk.neuron.output.data - 0.5.squareRoot()) < 1e-9 && abs(walk.neuron.x1.grad + 1.5) < 1e-9)
        #expect(walk.json["training"]?["losses"]?.arrayValue?.count == 5)
        #expect(try Micrograd.WalkThrough(steps: 5, seed: 3).lines == walk.lines)
        #expect(try Micrograd.WalkThrough(steps: 5, seed: 3, quiet: true).lines.filter { $0.contains("  loss ") }.count == 2)
        #expect(Micrograd.WalkThrough.shown(-0.0) == "0" && Micrograd.WalkThrough.shown(14.00030) == "14.0003")
        #expect(walk.neuronGraph.svg().contains("o = tanh(x1·w1 + x2·w2 + b)"))
    }

    @Test func walkThroughRefusesValuesOutsideItsLimits() {
        for make in [{ try Micrograd.WalkThrough(x: .nan) }, { try Micrograd.WalkThrough(h: 0) },
                     { try Micrograd.WalkThrough(steps: -1) }, { try Micrograd.WalkThrough(learningRate: -1) }] {
            #expect(throws: MakemoreError.self) { try make() }
        }
    }

    /// Records a failure for each input whose gradient differs from the central difference.
    private func expectGradients(_ name: String, at points: [Double], sourceLocation: SourceLocation = #_sourceLocation,
                                 _ f: ([Value]) -> Value) {
        let inputs = points.map { Value($0) }
        f(inputs).backward()
        let h = 1e-6
        for k in points.indices {
            var up = points, down = points
            up[k] += h
            down[k] -= h
            let numeric = (f(up.map { Value($0) }).data - f(down.map { Value($0) }).data) / (2 * h)
            let error = abs(inputs[k].grad - numeric)
            #expect(error <= 1e-6 * max(1, abs(numeric)), "\(name) at \(points), input \(k): \(inputs[k].grad) vs \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}
