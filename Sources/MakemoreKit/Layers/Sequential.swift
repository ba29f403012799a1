/// Layers applied in order; layer `i`'s tensors are named `i.…` (`0.weight`, `1.running_mean`).
///
/// With `recordsOutputs` set, the output of every layer of the last call is kept in
/// `lastOutputs` (their gradients are filled in by `backward()`): what the diagnostics read.
public final class Sequential: Layer {
    /// The layers, first applied first.
    public let layers: [any Layer]
    /// Keep each layer's output of the last call.
    package var recordsOutputs = false
    /// Each layer's output of the last call, when `recordsOutputs` is set.
    package private(set) var lastOutputs: [Tensor] = []

    /// The composition of `layers`.
    public init(_ layers: [any Layer]) { self.layers = layers }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        lastOutputs.removeAll(keepingCapacity: true)
        for layer in layers {
            h = layer(h)
            if recordsOutputs { lastOutputs.append(h) }
        }
        return h
    }

    /// Layer `i` is named `i`, as in PyTorch's `nn.Sequential`.
    public var children: ModuleChildren { layers.enumerated().map { (String($0.offset), $0.element) } }
}
