/// Inverted dropout, active only in training mode.
///
/// The dropout layers of one model draw from one shared `RandomStream`, each in the order the
/// forward pass reaches it, so one seed makes all of the model's masks reproducible.
package final class Dropout: Layer, ModeDependent {
    /// The chance that an element is zeroed while training.
    package let probability: Float
    /// Whether masks are drawn (training) or the input passes through (evaluation).
    package var isTraining = true
    let stream: RandomStream

    /// Dropout with `probability`, masks drawn from `stream`.
    package init(probability: Float, stream: RandomStream) {
        self.probability = probability
        self.stream = stream
    }

    /// Dropout with `probability`, masks drawn from a stream of its own seeded with `seed`.
    package convenience init(probability: Float, seed: UInt64) {
        self.init(probability: probability, stream: RandomStream(seed: seed))
    }

    /// x → x ⊙ mask / (1 − p) while training, x otherwise
    package func callAsFunction(_ x: Tensor) -> Tensor {
        isTraining && probability > 0 ? dropout(x, probability: probability, using: &stream.generator) : x
    }

    /// This step's dropout on attention probabilities while training (a fresh mask seed from
    /// the stream), nil in evaluation or at probability 0.
    package func attentionDropout() -> AttentionDropout? {
        isTraining && probability > 0 ? AttentionDropout(probability: probability, seed: stream.generator.next()) : nil
    }

    package var children: ModuleChildren { [] }
}
