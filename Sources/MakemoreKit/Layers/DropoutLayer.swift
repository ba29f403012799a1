/// Inverted dropout with its own random stream, active only in training mode.
///
/// A model shares one instance among its layers, so one `setTraining` switches all of them and
/// one seeded generator makes the masks reproducible.
public final class Dropout: Layer {
    /// The chance that an element is zeroed while training.
    public let probability: Float
    /// Whether masks are drawn (training) or the input passes through (evaluation).
    public private(set) var isTraining = true
    private var generator: RandomGenerator

    /// Dropout with `probability`, masks drawn from a generator seeded with `seed`.
    public init(probability: Float, seed: UInt64) {
        self.probability = probability
        generator = RandomGenerator(seed: seed)
    }

    /// x → x ⊙ mask / (1 − p) while training, x otherwise
    public func callAsFunction(_ x: Tensor) -> Tensor {
        isTraining && probability > 0 ? dropout(x, probability: probability, using: &generator) : x
    }

    /// This step's dropout on attention probabilities while training (a fresh mask seed from
    /// this layer's stream), nil in evaluation or at probability 0.
    public func attentionDropout() -> AttentionDropout? {
        isTraining && probability > 0 ? AttentionDropout(probability: probability, seed: generator.next()) : nil
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] { [] }

    public func setTraining(_ training: Bool) { isTraining = training }

    /// Runs `body` in evaluation mode (no masks) without recording a graph, then restores the mode.
    func evaluating<R>(_ body: () -> R) -> R {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        return Tensor.withoutGradient(body)
    }
}
