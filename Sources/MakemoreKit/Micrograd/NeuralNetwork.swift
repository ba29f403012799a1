/// micrograd's `nn`: a neuron, a layer of neurons and a multi-layer perceptron built from
/// `Value`s, so every weight's gradient is visible one number at a time.
extension Micrograd {
    /// The non-linearity a neuron applies to its weighted sum.
    package enum Activation: String, Sendable, CaseIterable {
        case tanh, relu, linear
    }

    /// One neuron: `activation(Σᵢ wᵢxᵢ + b)`.
    package final class Neuron {
        package let weights: [Value]
        package let bias: Value
        package let activation: Activation

        /// A neuron of `inputCount` inputs with weights and bias drawn from U(−1, 1), as in the
        /// lecture.
        package init(inputCount: Int, activation: Activation = .tanh, using generator: inout RandomGenerator) {
            weights = (0..<inputCount).map { _ in Value(2 * generator.uniform() - 1) }
            bias = Value(2 * generator.uniform() - 1)
            self.activation = activation
        }

        /// A neuron with the given weights and bias.
        package init(weights: [Double], bias: Double, activation: Activation = .tanh) {
            self.weights = weights.map { Value($0) }
            self.bias = Value(bias)
            self.activation = activation
        }

        /// The neuron's output for `x` (one value per weight). The sum starts from the bias,
        /// as micrograd's `sum(..., self.b)` does.
        package func callAsFunction(_ x: [Value]) -> Value {
            precondition(x.count == weights.count, "neuron has \(weights.count) inputs, got \(x.count)")
            let sum = zip(weights, x).reduce(bias) { $0 + $1.0 * $1.1 }
            switch activation {
            case .tanh: return sum.tanh()
            case .relu: return sum.relu()
            case .linear: return sum
            }
        }

        /// Weights, then the bias.
        package var parameters: [Value] { weights + [bias] }
    }

    /// Neurons that all read the same inputs.
    package final class Layer {
        package let neurons: [Neuron]

        /// `outputCount` neurons of `inputCount` inputs each.
        package init(inputCount: Int, outputCount: Int, activation: Activation = .tanh, using generator: inout RandomGenerator) {
            neurons = (0..<outputCount).map { _ in Neuron(inputCount: inputCount, activation: activation, using: &generator) }
        }

        /// One output per neuron.
        package func callAsFunction(_ x: [Value]) -> [Value] { neurons.map { $0(x) } }

        /// Every neuron's parameters, neuron by neuron.
        package var parameters: [Value] { neurons.flatMap(\.parameters) }
    }

    /// A multi-layer perceptron: layers applied in turn.
    package final class MLP {
        package let layers: [Layer]

        /// Layers of `layerSizes` neurons reading `inputCount` inputs; hidden layers use
        /// `activation`, the last `outputActivation` (the lecture: tanh throughout, so outputs
        /// lie in (−1, 1) like its targets).
        package init(inputCount: Int, layerSizes: [Int], activation: Activation = .tanh,
                    outputActivation: Activation = .tanh, using generator: inout RandomGenerator) {
            let sizes = [inputCount] + layerSizes
            layers = layerSizes.indices.map { i in
                Layer(inputCount: sizes[i], outputCount: sizes[i + 1],
                      activation: i == layerSizes.count - 1 ? outputActivation : activation, using: &generator)
            }
        }

        /// The last layer's outputs for `x`.
        package func callAsFunction(_ x: [Value]) -> [Value] { layers.reduce(x) { $1($0) } }

        /// The outputs for plain numbers (each becomes a leaf).
        package func callAsFunction(_ x: [Double]) -> [Value] { self(x.map { Value($0) }) }

        /// Every layer's parameters, layer by layer.
        package var parameters: [Value] { layers.flatMap(\.parameters) }
    }

    /// Σ (prediction − target)²: the lecture's loss for the four-example dataset.
    package static func squaredError(predictions: [Value], targets: [Double]) -> Value {
        precondition(predictions.count == targets.count, "\(predictions.count) predictions for \(targets.count) targets")
        return Value.sum(zip(predictions, targets).map { ($0 - $1).raised(to: 2) })
    }
}
