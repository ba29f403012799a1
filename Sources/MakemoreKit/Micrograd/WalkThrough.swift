import Foundation

extension Micrograd {
    /// The notes' Part I with real numbers, on the scalar engine: a derivative by rise over run and
    /// by `backward()`, the partials of two small expressions, a tanh neuron (also with tanh
    /// spelled out through exp), then a 3-4-4-1 MLP fitted to micrograd's four examples by plain
    /// gradient descent. Every number is computed when the walk-through is made; `lines` and
    /// `json` show them (`makemore micrograd` prints one or the other).
    public struct WalkThrough {
        /// The text, one line per entry.
        public let lines: [String]
        /// Every number, as one JSON object.
        public let json: JSONValue
        /// The tanh neuron of part 4, its gradients computed (for drawing its expression graph).
        package let neuron: TanhNeuron

        /// The allowed values of the walk-through's inputs.
        package enum Limits {
            package static let x = Limit<Double>("x", -1e6...1e6)
            package static let h = Limit<Double>("h", 1e-12...1)
            package static let steps = Limit("steps", 0...100_000)
            package static let learningRate = Limit<Double>("learning_rate", 0...100)
        }

        /// The walk-through at `x` with rise-over-run step `h`, the MLP trained `steps` steps at
        /// `learningRate` from weights drawn with `seed`; `quiet` keeps only the first and last
        /// training loss in `lines`. Throws `MakemoreError.invalidValue` for a value outside
        /// `Limits`.
        public init(x: Double = 3, h: Double = 0.0001, steps: Int = 20, learningRate: Double = 0.05, seed: UInt64 = 42, quiet: Bool = false) throws {
            try Limits.x.check(x)
            try Limits.h.check(h)
            try Limits.steps.check(steps)
            try Limits.learningRate.check(learningRate)
            var lines: [String] = []
            var members: [(String, JSONValue)] = []

            // f(x) = 3x² − 4x + 5: rise over run against the analytic 6x − 4 and against backward().
            func f(_ x: Value) -> Value { 3 * x.raised(to: 2) - 4 * x + 5 }
            let input = Value(x, label: "x")
            let fx = f(input)
            fx.backward()
            let riseOverRun = (f(Value(x + h)).data - fx.data) / h
            lines += ["1. f(x) = 3x² − 4x + 5 at x = \(Self.shown(x)): f(x) = \(Self.shown(fx.data))",
                      "   numeric (f(x + h) − f(x)) / h, h = \(Self.shown(h)): \(Self.shown(riseOverRun))",
                      "   analytic 6x − 4: \(Self.shown(6 * x - 4))    backward(): \(Self.shown(input.grad))"]
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
            lines += ["2. F = x1·x2 + x3 at x1 = 2, x2 = −3, x3 = 10: F = \(Self.shown(value.data))",
                      "   ∂F/∂x1 = x2 = \(Self.shown(xs[0].grad)), ∂F/∂x2 = x1 = \(Self.shown(xs[1].grad)), ∂F/∂x3 = \(Self.shown(xs[2].grad))",
                      "   numeric: \(numericPartials.map(Self.shown).joined(separator: ", "))"]
            members.append(("partials", .object([("inputs", .array(point.map(JSONValue.number))), ("F", .number(value.data)),
                                                 ("gradient", .array(xs.map { .number($0.grad) })),
                                                 ("numeric", .array(numericPartials.map(JSONValue.number)))])))

            // L = w₆(w₃ + w₁w₂): the lecture's a, b, c, f with L = −8.
            let w1 = Value(2, label: "w1"), w2 = Value(-3, label: "w2"), w3 = Value(10, label: "w3"), w6 = Value(-2, label: "w6")
            let product = w1 * w2, sum = w3 + product
            let loss = w6 * sum
            loss.backward()
            lines += ["3. L = w6·(w3 + w1·w2) at w1 = 2, w2 = −3, w3 = 10, w6 = −2",
                      "   forward:  w1·w2 = \(Self.shown(product.data)), w3 + w1·w2 = \(Self.shown(sum.data)), L = \(Self.shown(loss.data))",
                      "   backward: ∂L/∂(w3 + w1·w2) = w6 = \(Self.shown(sum.grad)), ∂L/∂(w1·w2) = \(Self.shown(product.grad))",
                      "             ∂L/∂w6 = \(Self.shown(w6.grad)), ∂L/∂w3 = \(Self.shown(w3.grad)), ∂L/∂w1 = w6·w2 = \(Self.shown(w1.grad)), ∂L/∂w2 = w6·w1 = \(Self.shown(w2.grad))"]
            members.append(("expression", .object([("L", .number(loss.data)), ("w1w2", .number(product.data)), ("w3_plus_w1w2", .number(sum.data)),
                                                   ("gradient", .object([("w1", .number(w1.grad)), ("w2", .number(w2.grad)),
                                                                         ("w3", .number(w3.grad)), ("w6", .number(w6.grad))]))])))

            // The lecture's tanh neuron, and the same with tanh spelled out through exp.
            let neuron = TanhNeuron()
            neuron.output.backward()
            let spelled = TanhNeuron(spelledOut: true)
            spelled.output.backward()
            lines += ["4. neuron o = tanh(x1·w1 + x2·w2 + b), x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8813735870195432",
                      "   n = \(Self.shown(neuron.n.data)), o = \(Self.shown(neuron.output.data)); ∂o/∂n = 1 − o² = \(Self.shown(neuron.n.grad))",
                      "   ∂o/∂x1 = \(Self.shown(neuron.x1.grad)), ∂o/∂w1 = \(Self.shown(neuron.w1.grad)), ∂o/∂x2 = \(Self.shown(neuron.x2.grad)), ∂o/∂w2 = \(Self.shown(neuron.w2.grad))",
                      "   with tanh as (e^2n − 1)/(e^2n + 1): o = \(Self.shown(spelled.output.data)), ∂o/∂x1 = \(Self.shown(spelled.x1.grad)), ∂o/∂w1 = \(Self.shown(spelled.w1.grad))"]
            members.append(("neuron", .object([("n", .number(neuron.n.data)), ("o", .number(neuron.output.data)),
                                               ("gradient", .object([("x1", .number(neuron.x1.grad)), ("w1", .number(neuron.w1.grad)),
                                                                     ("x2", .number(neuron.x2.grad)), ("w2", .number(neuron.w2.grad)),
                                                                     ("b", .number(neuron.b.grad))])),
                                               ("exp_form_o", .number(spelled.output.data))])))
            self.neuron = neuron

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
            lines.append("5. MLP 3-4-4-1 of Values (\(parameters.count) parameters, seed \(seed)) on micrograd's four examples, loss Σ(ŷ − y)², lr \(Self.shown(learningRate))")
            for (step, loss) in losses.enumerated() where !quiet || step == 0 || step == losses.count - 1 {
                lines.append(String(format: "   step %3d  loss %.6f", step + 1, loss))
            }
            lines.append(String(format: "   after %d steps: loss %.6f, predictions ", steps, finalLoss)
                         + predictions.map { String(format: "%.4f", $0) }.joined(separator: " ") + "  (targets 1 −1 −1 1)")
            members.append(("training", .object([("seed", .integer(Int(truncatingIfNeeded: seed))), ("steps", .integer(steps)),
                                                 ("lr", .number(learningRate)), ("parameters", .integer(parameters.count)),
                                                 ("losses", .array(losses.map(JSONValue.number))), ("final_loss", .number(finalLoss)),
                                                 ("predictions", .array(predictions.map(JSONValue.number)))])))
            self.lines = lines
            json = JSONValue.object(members)
        }

        /// Up to 6 decimals, trailing zeros dropped (`14.0003`, `-8`).
        package static func shown(_ x: Double) -> String {
            var text = String(format: "%.6f", x == 0 ? 0 : x)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : text
        }
    }

    /// The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b) with every node labelled for the graph.
    package struct TanhNeuron {
        package let x1 = Value(2, label: "x1"), x2 = Value(0, label: "x2")
        package let w1 = Value(-3, label: "w1"), w2 = Value(1, label: "w2")
        package let b = Value(6.8813735870195432, label: "b")
        package let n: Value, output: Value

        /// `spelledOut` computes tanh as (e^2n − 1)/(e^2n + 1) from exp, subtraction and division.
        package init(spelledOut: Bool = false) {
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
}
