/// The tanh non-linearity as a layer (no parameters).
public final class Tanh: Layer {
    /// A tanh layer.
    public init() {}
    /// Element-wise tanh.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
    public var children: ModuleChildren { [] }
}
