/// A module's state dict to and from a safetensors checkpoint: the keys are the state-dict
/// names, so the file format stays out of the layers themselves.
extension Module {
    /// Every parameter and buffer as checkpoint tensors, named by state-dict key.
    public func stateTensors() -> [SafetensorsFile.Tensor] {
        stateDict().map { SafetensorsFile.Tensor(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.values) }
    }

    /// Replaces every parameter and buffer with the tensor of the same name in `file`: all or
    /// nothing. Throws a one-line error naming `source` if a key is missing or unexpected or a
    /// shape differs; nothing is changed unless everything matches.
    public func loadState(from file: SafetensorsFile, source: String) throws {
        let expected = stateDict()
        let expectedNames = Set(expected.map(\.name))
        if let extra = file.tensors.first(where: { !expectedNames.contains($0.name) }) {
            throw MakemoreError("\(source): unexpected tensor '\(extra.name)' for this model")
        }
        var matched: [(Tensor, [Float])] = []
        for (name, tensor) in expected {
            guard let stored = file.tensor(named: name) else { throw MakemoreError("\(source): missing tensor '\(name)'") }
            guard stored.shape == tensor.shape else {
                throw MakemoreError("\(source): tensor '\(name)' has shape \(stored.shape), the model needs \(tensor.shape)")
            }
            matched.append((tensor, stored.values))
        }
        for (tensor, values) in matched { tensor.copy(from: values) }
    }
}
