/// Layer normalisation over the last axis with a learned per-channel scale and shift
/// (PyTorch init: weight 1, bias 0; eps 1e-5).
public final class LayerNorm: Layer {
    /// (channels), initialised to 1.
    public let weight: Tensor
    /// (channels), initialised to 0.
    public let bias: Tensor
    /// Added to the variance before the square root.
    public let eps: Float

    /// A layer over `channels` features.
    public init(channels: Int, eps: Float = 1e-5) {
        weight = .ones(shape: [channels], requiresGrad: true)
        bias = .zeros(shape: [channels], requiresGrad: true)
        self.eps = eps
    }

    /// x: (…, C) → (…, C)
    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }

    public var children: ModuleChildren { [] }
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
}
