/// How a layer's weights are drawn at creation.
public enum WeightInitialization: Sendable, Equatable {
    /// PyTorch's default for `nn.Linear`: weight and bias U(−1/√fan_in, +1/√fan_in).
    case pytorchDefault
    /// Kaiming normal: weight N(0, 1)·gain/√fan_in (gain 5/3 for tanh, 1 linear, √2 ReLU); bias 0.
    case kaiming(gain: Float)
    /// Unscaled N(0, 1) weights and biases: the lecture's "before", which saturates tanh.
    case naive
}

/// `y = x·Wᵀ + b` with the weight stored `[out, in]` as PyTorch does.
public final class Linear: Layer {
    /// (outputCount, inputCount)
    public let weight: Tensor
    /// (outputCount), or nil without bias.
    public let bias: Tensor?

    /// A layer from `inputCount` to `outputCount` features, initialised by `initialization`.
    public init(inputCount: Int, outputCount: Int, bias hasBias: Bool = true,
                initialization: WeightInitialization = .pytorchDefault, using generator: inout RandomGenerator) {
        let fanIn = Float(inputCount)
        switch initialization {
        case .pytorchDefault:
            let bound = 1 / fanIn.squareRoot()
            weight = .uniform(shape: [outputCount, inputCount], bound: bound, requiresGrad: true, using: &generator)
            bias = hasBias ? .uniform(shape: [outputCount], bound: bound, requiresGrad: true, using: &generator) : nil
        case .kaiming(let gain):
            weight = .normal(shape: [outputCount, inputCount], std: gain / fanIn.squareRoot(), requiresGrad: true, using: &generator)
            bias = hasBias ? .zeros(shape: [outputCount], requiresGrad: true) : nil
        case .naive:
            weight = .normal(shape: [outputCount, inputCount], std: 1, requiresGrad: true, using: &generator)
            bias = hasBias ? .normal(shape: [outputCount], std: 1, requiresGrad: true, using: &generator) : nil
        }
    }

    /// A layer with the given weight (out, in) and bias (out).
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// x: (…, in) → (…, out)
    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }

    public var children: ModuleChildren { [] }
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}
