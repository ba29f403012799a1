/// A window model built as an embedding table followed by a `Sequential` (the MLP, WaveNet):
/// everything but the wiring of `logits(contexts:)` is shared here — the loss, evaluation-mode
/// scoring, the state-dict names (`embedding.…`, `layers.…`) and the train / eval switch.
public protocol WindowNetwork: Module, WindowLanguageModel {
    /// The token embedding table C, (V, d).
    var embedding: Embedding { get }
    /// The hidden blocks and the output layer.
    var layers: Sequential { get }
    /// contexts (N·k, row-major (N, k)) → logits (N, V)
    func logits(contexts: [Int32]) -> Tensor
}

extension WindowNetwork {
    /// Whether BatchNorm uses batch statistics (set by `setTraining`).
    public var isTraining: Bool { layers.isTraining }

    /// Mean cross-entropy of `targets` after `contexts`.
    public func loss(contexts: [Int32], targets: [Int32]) -> Tensor {
        crossEntropy(logits: logits(contexts: contexts), targets: targets)
    }

    /// Scores in evaluation mode (running BatchNorm statistics), without a graph; the mode is
    /// restored afterwards, so periodic evaluation during training is safe.
    public func logProbabilities(contexts: [Int32]) -> [Float] {
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        return Tensor.withoutGradient { logits(contexts: contexts).logSoftmax().values }
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("embedding", embedding.namedParameters()) + prefixed("layers", layers.namedParameters())
    }

    public func namedBuffers() -> [(name: String, tensor: Tensor)] { prefixed("layers", layers.namedBuffers()) }

    public func setTraining(_ training: Bool) { layers.setTraining(training) }
}
