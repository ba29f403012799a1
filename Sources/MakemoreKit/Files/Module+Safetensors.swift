/// A module's state loaded from a safetensors file, whose tensors are the state-dict entries.
extension Module {
    /// Replaces every parameter and buffer with the tensor of the same name in `file`: all or
    /// nothing (see `loadState(from:source:)` over state tensors).
    package func loadState(from file: SafetensorsFile, source: String) throws {
        try loadState(from: file.tensors, source: source)
    }
}
