/// Stage 2: the neural bigram. One (V, V) weight matrix whose row `i` holds the logits of the
/// token after token `i` (one-hot(i)·W is a row lookup); softmax turns them into probabilities
/// and the loss is the mean NLL plus an optional `l2·mean(W²)` penalty that pulls the logits
/// towards equal probabilities, like the count model's smoothing.
package final class NeuralBigram: TrainableModel, WindowLanguageModel {
    /// The neural bigram has no hyperparameters beyond the vocabulary size.
    package struct Configuration: ModelConfiguration, Sendable {
        package var vocabularySize: Int

        /// The model over `vocabularySize` tokens.
        package init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

        /// The vocabulary's range.
        package static let vocabularySizeLimit = Limit.vocabularySize("vocabulary_size")

        package func validate() throws { try Self.vocabularySizeLimit.check(vocabularySize) }

        enum CodingKeys: String, CodingKey { case vocabularySize = "vocabulary_size" }
    }

    package static let kind = "neural-bigram"
    package var configuration: Configuration { Configuration(vocabularySize: vocabularySize) }

    /// (V, V), initialised N(0, 1) as in the lecture; checkpoint key `logits` as in makemore.py.
    package let weight: Tensor

    package var vocabularySize: Int { weight.shape[0] }
    package var contextLength: Int { 1 }

    /// A model of `configuration` with N(0, 1) logits.
    package init(configuration: Configuration, using generator: inout RandomGenerator) throws {
        try configuration.validate()
        let v = configuration.vocabularySize
        weight = .normal(shape: [v, v], requiresGrad: true, using: &generator)
    }

    /// A model over `vocabularySize` tokens with N(0, 1) logits.
    package convenience init(vocabularySize: Int, using generator: inout RandomGenerator) throws {
        try self.init(configuration: Configuration(vocabularySize: vocabularySize), using: &generator)
    }

    /// contexts (N) → logits (N, V)
    package func logits(contexts: [Int32]) -> Tensor {
        embedding(weight, indices: contexts, shape: [contexts.count])
    }

    /// Mean cross-entropy of `targets` after `contexts`, plus `l2·mean(W²)`.
    package func loss(contexts: [Int32], targets: [Int32], l2: Float) -> Tensor {
        let nll = crossEntropy(logits: logits(contexts: contexts), targets: targets)
        return l2 > 0 ? nll + (weight * weight).mean().scaled(by: l2) : nll
    }

    package func logProbabilities(contexts: [Int32]) -> [Float] {
        Tensor.withoutGradient { logits(contexts: contexts).logSoftmax().values }
    }

    package var ownParameters: [(name: String, tensor: Tensor)] { [("logits", weight)] }

    package var children: ModuleChildren { [] }
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension NeuralBigram {
    package static func activationElementsPerRow(configuration: Configuration, vocabularySize v: Int) -> Double { 4 * Double(v) }
}
