/// A copy of a module's parameters and buffers (its whole state dict), e.g. of the best model by
/// validation loss, to restore at the end of training.
package struct ParameterSnapshot: Sendable {
    /// The values, in state-dict order.
    let values: [[Float]]

    /// The current values of `module`'s parameters and buffers.
    package init(_ module: some Module) {
        values = module.stateDict().map(\.tensor.values)
    }

    /// A snapshot of `values` for `module`; nil when they are not of its state dict's sizes.
    init?(values: [[Float]], of module: some Module) {
        let tensors = module.stateDict().map(\.tensor)
        guard values.count == tensors.count, zip(values, tensors).allSatisfy({ $0.count == $1.count }) else { return nil }
        self.values = values
    }

    /// Writes the saved values back into `module` (the module the snapshot was taken of).
    package func restore(into module: some Module) {
        let parameters = module.stateDict().map(\.tensor)
        precondition(parameters.count == values.count, "snapshot of \(values.count) tensors, module has \(parameters.count)")
        for (tensor, saved) in zip(parameters, values) { tensor.copy(from: saved) }
    }
}
