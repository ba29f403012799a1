/// A layer or model: named trainable parameters and buffers, and a train / eval mode.
///
/// Names are dotted paths equal to PyTorch's state-dict keys (`layers.0.weight`,
/// `layers.1.running_mean`), so checkpoints and diagnostics address tensors the same way.
public protocol Module: AnyObject {
    /// Trainable tensors by name, in state-dict order.
    func namedParameters() -> [(name: String, tensor: Tensor)]
    /// Non-trainable state by name (BatchNorm running statistics).
    func namedBuffers() -> [(name: String, tensor: Tensor)]
    /// Switches training-only behaviour (BatchNorm batch statistics, dropout) on or off.
    func setTraining(_ training: Bool)
}

extension Module {
    /// No buffers by default.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] { [] }
    /// No mode-dependent behaviour by default.
    public func setTraining(_ training: Bool) {}

    /// The trainable tensors, for an optimizer.
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// Number of trainable numbers.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    /// Parameters then buffers: everything a checkpoint stores.
    public func stateDict() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }
}

/// A module that maps one tensor to another, composable in a `Sequential`.
public protocol Layer: Module {
    /// The layer applied to `x`.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// `entries` with `prefix.` put before every name.
func prefixed(_ prefix: String, _ entries: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
    entries.map { ("\(prefix).\($0.name)", $0.tensor) }
}
