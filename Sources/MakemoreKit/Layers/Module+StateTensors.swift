/// A module's state dict to and from plain `StateTensor` values, the form every checkpoint
/// format reads and writes, so the layers stay ignorant of files.
extension Module {
    /// Every parameter and buffer as plain values, named by state-dict key, in state-dict order.
    public func stateTensors() -> [StateTensor] {
        stateDict().map { StateTensor(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.values) }
    }

    /// Replaces every parameter and buffer with the entry of the same name in `state`: all or
    /// nothing. Throws a one-line error naming `source` if a key is missing or unexpected or a
    /// shape differs; nothing is changed unless everything matches.
    public func loadState(from state: [StateTensor], source: String) throws {
        let expected = stateDict()
        let expectedNames = Set(expected.map(\.name))
        if let extra = state.first(where: { !expectedNames.contains($0.name) }) {
            throw MakemoreError.file(path: source, reason: "unexpected tensor '\(extra.name)' for this model")
        }
        var matched: [(Tensor, [Float])] = []
        for (name, tensor) in expected {
            guard let stored = state.first(where: { $0.name == name }) else { throw MakemoreError.file(path: source, reason: "missing tensor '\(name)'") }
            guard stored.shape == tensor.shape else {
                throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(stored.shape), the model needs \(tensor.shape)")
            }
            matched.append((tensor, stored.values))
        }
        for (tensor, values) in matched { tensor.copy(from: values) }
    }
}
