/// A copy of a module's parameters and buffers (its whole state dict), e.g. of the best model by
/// validation loss, to restore at the end of training.
public struct ParameterSnapshot: Sendable {
    private let values: [[Float]]

    /// The current values of `module`'s parameters and buffers.
    public init(_ module: some Module) {
        values = module.stateDict().map(\.tensor.values)
    }

    /// Writes the saved values back into `module` (the module the snapshot was taken of).
    public func restore(into module: some Module) {
        let parameters = module.stateDict().map(\.tensor)
        precondition(parameters.count == values.count, "snapshot of \(values.count) tensors, module has \(parameters.count)")
        for (tensor, saved) in zip(parameters, values) { tensor.copy(from: saved) }
    }
}
