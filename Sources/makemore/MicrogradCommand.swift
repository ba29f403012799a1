import Foundation
import MakemoreKit

/// `makemore micrograd`: the notes' Part I with real numbers, on the scalar engine
/// `Micrograd.Value`: a derivative by rise over run and by backward(), the partials of two small
/// expressions, a tanh neuron, then a small MLP trained on micrograd's four examples.
enum MicrogradCommand: Subcommand {
    typealias Value = Micrograd.Value

    static let name = "micrograd"
    static let summary = "micrograd's scalar autograd: the notes' worked derivatives, a tanh neuron, a tiny MLP trained"
    /// What the walk-through computes, read once from the command line.
    struct Options {
        var x = 3.0
        var h = 0.0001
        var steps = 20
        var learningRate = 0.05
        var seed: UInt64 = 42
        var plotGraph: String?
        var quiet = false
        var json = false
    }

    static let options: [Option] = {
        let d = Options()
        return [
            Option("x", value: "X", default: n(d.x), "point at which to differentiate f(x) = 3x² − 4x + 5"),
            Option("h", value: "H", default: n(d.h), "step of the numeric derivatives (rise over run)"),
            Option("steps", value: "N", default: String(d.steps), "gradient-descent steps of the MLP"),
            Option("lr", value: "RATE", default: n(d.learningRate), "learning rate of the MLP"),
            Option("seed", value: "N", default: String(d.seed), "seed of the MLP's initial weights"),
            Option("plot-graph", value: "FILE.svg", "draw the tanh neuron's expression graph (op, data and grad of every node)"),
            Option(flag: "quiet", "print only the first and last loss of training, not every step"),
            Option(flag: "json", "print one JSON object with every number instead of text"),
        ]
    }()

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        var o = Options()
        o.x = try arguments.double("x", in: -1e6...1e6) ?? o.x
        o.h = try arguments.double("h", in: 1e-12...1) ?? o.h
        o.steps = try arguments.int("steps", in: 0...100_000) ?? o.steps
        o.learningRate = try arguments.double("lr", in: 0...100) ?? o.learningRate
        o.seed = try arguments.seed("seed") ?? o.seed
        o.plotGraph = arguments.string("plot-graph")
        o.quiet = arguments.flag("quiet")
        o.json = arguments.flag("json")
        return o
    }

    static func run(_ options: Options) throws {
        try OutputChecks.check([("plot-graph", options.plotGraph)], inputs: [])
        let (x, h, steps, learningRate, seed) = (options.x, options.h, options.steps, options.learningRate, options.seed)
        var lines: [String] = []
        var members: [(String, JSONValue)] = []

        // f(x) = 3x² − 4x + 5: rise over run against the analytic 6x − 4 and against backward().
        func f(_ x: Value) -> Value { 3 * x.raised(to: 2) - 4 * x + 5 }
        let input = Value(x, label: "x")
        let fx = f(input)
        fx.backward()
        let riseOverRun = (f(Value(x + h)).data - fx.data) / h
        lines += ["1. f(x) = 3x² − 4x + 5 at x = \(n(x)): f(x) = \(n(fx.data))",
                  "   numeric (f(x + h) − f(x)) / h, h = \(n(h)): \(n(riseOverRun))",
                  "   analytic 6x − 4: \(n(6 * x - 4))    backward(): \(n(input.grad))"]
        members.append(("derivative", .object([("x", .number(x)), ("h", .number(h)), ("f", .number(fx.data)),
                                               ("numeric", .number(riseOverRun)), ("analytic", .number(6 * x - 4)),
                                               ("backward", .number(input.grad))])))

        // F = x₁x₂ + x₃ and its partials, each also by nudging one input.
        let point = [2.0, -3.0, 10.0]
        func bigF(_ v: [Value]) -> Value { v[0] * v[1] + v[2] }
        let xs = point.enumerated().map { Value($1, label: "x\($0 + 1)") }
        let value = bigF(xs)
        value.backward()
        let numericPartials = point.indices.map { i -> Double in
            var nudged = point
            nudged[i] += h
            return (bigF(nudged.map { Value($0) }).data - value.data) / h
        }
        lines += ["2. F = x1·x2 + x3 at x1 = 2, x2 = −3, x3 = 10: F = \(n(value.data))",
                  "   ∂F/∂x1 = x2 = \(n(xs[0].grad)), ∂F/∂x2 = x1 = \(n(xs[1].grad)), ∂F/∂x3 = \(n(xs[2].grad))",
                  "   numeric: \(numericPartials.map(n).joined(separator: ", "))"]
        members.append(("partials", .object([("inputs", .array(point.map(JSONValue.number))), ("F", .number(value.data)),
                                             ("gradient", .array(xs.map { .number($0.grad) })),
                                             ("numeric", .array(numericPartials.map(JSONValue.number)))])))

        // L = w₆(w₃ + w₁w₂): the lecture's a, b, c, f with L = −8.
        let w1 = Value(2, label: "w1"), w2 = Value(-3, label: "w2"), w3 = Value(10, label: "w3"), w6 = Value(-2, label: "w6")
        let product = w1 * w2, sum = w3 + product
        let loss = w6 * sum
        loss.backward()
        lines += ["3. L = w6·(w3 + w1·w2) at w1 = 2, w2 = −3, w3 = 10, w6 = −2",
                  "   forward:  w1·w2 = \(n(product.data)), w3 + w1·w2 = \(n(sum.data)), L = \(n(loss.data))",
                  "   backward: ∂L/∂(w3 + w1·w2) = w6 = \(n(sum.grad)), ∂L/∂(w1·w2) = \(n(product.grad))",
                  "             ∂L/∂w6 = \(n(w6.grad)), ∂L/∂w3 = \(n(w3.grad)), ∂L/∂w1 = w6·w2 = \(n(w1.grad)), ∂L/∂w2 = w6·w1 = \(n(w2.grad))"]
        members.append(("expression", .object([("L", .number(loss.data)), ("w1w2", .number(product.data)), ("w3_plus_w1w2", .number(sum.data)),
                                               ("gradient", .object([("w1", .number(w1.grad)), ("w2", .number(w2.grad)),
                                                                     ("w3", .number(w3.grad)), ("w6", .number(w6.grad))]))])))

        // The lecture's tanh neuron, and the same with tanh spelled out through exp.
        let neuron = TanhNeuron()
        neuron.output.backward()
        let spelled = TanhNeuron(spelledOut: true)
        spelled.output.backward()
        lines += ["4. neuron o = tanh(x1·w1 + x2·w2 + b), x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8813735870195432",
                  "   n = \(n(neuron.n.data)), o = \(n(neuron.output.data)); ∂o/∂n = 1 − o² = \(n(neuron.n.grad))",
                  "   ∂o/∂x1 = \(n(neuron.x1.grad)), ∂o/∂w1 = \(n(neuron.w1.grad)), ∂o/∂x2 = \(n(neuron.x2.grad)), ∂o/∂w2 = \(n(neuron.w2.grad))",
                  "   with tanh as (e^2n − 1)/(e^2n + 1): o = \(n(spelled.output.data)), ∂o/∂x1 = \(n(spelled.x1.grad)), ∂o/∂w1 = \(n(spelled.w1.grad))"]
        members.append(("neuron", .object([("n", .number(neuron.n.data)), ("o", .number(neuron.output.data)),
                                           ("gradient", .object([("x1", .number(neuron.x1.grad)), ("w1", .number(neuron.w1.grad)),
                                                                 ("x2", .number(neuron.x2.grad)), ("w2", .number(neuron.w2.grad)),
                                                                 ("b", .number(neuron.b.grad))])),
                                           ("exp_form_o", .number(spelled.output.data))])))
        if let path = options.plotGraph {
            try AtomicFile.write(ExpressionGraph(neuron.output, title: "o = tanh(x1·w1 + x2·w2 + b)").svg(), to: path)
        }

        // A 3-4-4-1 tanh MLP fitted to micrograd's four examples by plain gradient descent.
        let examples: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
        let targets: [Double] = [1, -1, -1, 1]
        var generator = RandomGenerator(seed: seed)
        let network = Micrograd.MLP(inputCount: 3, layerSizes: [4, 4, 1], using: &generator)
        let parameters = network.parameters
        var losses: [Double] = []
        for _ in 0..<steps {
            let loss = Micrograd.squaredError(predictions: examples.map { network($0)[0] }, targets: targets)
            for p in parameters { p.grad = 0 }
            loss.backward()
            for p in parameters { p.data -= learningRate * p.grad }
            losses.append(loss.data)
        }
        let predictions = examples.map { network($0)[0].data }
        let finalLoss = zip(predictions, targets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        lines.append("5. MLP 3-4-4-1 of Values (\(parameters.count) parameters, seed \(seed)) on micrograd's four examples, loss Σ(ŷ − y)², lr \(n(learningRate))")
        for (step, loss) in losses.enumerated() where !options.quiet || step == 0 || step == losses.count - 1 {
            lines.append(String(format: "   step %3d  loss %.6f", step + 1, loss))
        }
        lines.append(String(format: "   after %d steps: loss %.6f, predictions ", steps, finalLoss)
                     + predictions.map { String(format: "%.4f", $0) }.joined(separator: " ") + "  (targets 1 −1 −1 1)")
        members.append(("training", .object([("seed", .integer(Int(truncatingIfNeeded: seed))), ("steps", .integer(steps)),
                                             ("lr", .number(learningRate)), ("parameters", .integer(parameters.count)),
                                             ("losses", .array(losses.map(JSONValue.number))), ("final_loss", .number(finalLoss)),
                                             ("predictions", .array(predictions.map(JSONValue.number)))])))

        if options.json {
            print(JSONValue.object(members).serialized)
        } else {
            lines.forEach { print($0) }
        }
    }

    /// Up to 6 decimals, trailing zeros dropped (`14.0003`, `-8`).
    static func n(_ x: Double) -> String {
        var text = String(format: "%.6f", x == 0 ? 0 : x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

/// The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b) with every node labelled for the graph.
private struct TanhNeuron {
    typealias Value = Micrograd.Value
    let x1 = Value(2, label: "x1"), x2 = Value(0, label: "x2")
    let w1 = Value(-3, label: "w1"), w2 = Value(1, label: "w2")
    let b = Value(6.8813735870195432, label: "b")
    let n: Value, output: Value

    /// `spelledOut` computes tanh as (e^2n − 1)/(e^2n + 1) from exp, subtraction and division.
    init(spelledOut: Bool = false) {
        let x1w1 = x1 * w1, x2w2 = x2 * w2
        x1w1.label = "x1·w1"
        x2w2.label = "x2·w2"
        let sum = x1w1 + x2w2
        sum.label = "x1·w1 + x2·w2"
        n = sum + b
        n.label = "n"
        if spelledOut {
            let e = (2 * n).exp()
            output = (e - 1) / (e + 1)
        } else {
            output = n.tanh()
        }
        output.label = "o"
    }
}
