/// makemore.py's causal bag-of-words model. Token plus position embedding, one
/// `BoWBlock` (each position adds the uniform average of the positions up to itself, then a
/// tanh MLP with a residual) and a linear head with bias. Parameter names are makemore.py's
/// state-dict keys.
///
/// Batches run packed (`PackedSequences`): the average stays within each word, so no work is
/// spent on padding. Sampling runs the same forward pass over the running sums of each word's
/// embeddings, so a new token costs one position.
package final class BagOfWords: IncrementalModel {
    /// The hyperparameters.
    package let configuration: SequenceModelConfiguration
    /// `wte`: (V, C).
    package let tokenEmbedding: Embedding
    /// `wpe`: (blockSize, C).
    package let positionEmbedding: Embedding
    /// `context_block`.
    package let block: BoWBlock
    /// `lm_head`: C → V, with bias.
    package let head: Linear

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    package init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        positionEmbedding = Embedding(count: c.blockSize, dimensions: c.embedding, using: &generator)
        block = BoWBlock(channels: c.embedding, hidden: c.hidden, blockSize: c.blockSize, using: &generator)
        head = Linear(inputCount: c.embedding, outputCount: c.vocabularySize, using: &generator)
    }

    package var vocabularySize: Int { configuration.vocabularySize }
    package var maximumWordLength: Int? { configuration.blockSize - 1 }

    package var children: ModuleChildren {
        [("wte", tokenEmbedding), ("wpe", positionEmbedding), ("context_block", block), ("lm_head", head)]
    }

    /// batch (N rows) → logits (N, V)
    package func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        return forward(batch.inputs, positions: batch.positions, .packed(sequenceStarts: batch.starts))
    }

    /// Running sums for `capacity` sequences.
    package func makeDecodingState(capacity: Int) -> BagOfWordsState {
        BagOfWordsState(capacity: capacity, configuration: configuration)
    }

    /// The same forward pass over the next position of each of `slots`: logits (R, V).
    package func logits(appending tokens: [Int32], to slots: [Int], in state: BagOfWordsState) -> Tensor {
        precondition(tokens.count == slots.count, "one token per slot")
        let positions = state.positions.advance(slots)
        return forward(tokens, positions: positions.map { Int32($0) }, .running(state.sums, slots: slots, positions: positions))
    }

    /// The one forward pass: tokens (N) at positions (N), arranged as `rows` says → logits (N, V)
    private func forward(_ tokens: [Int32], positions: [Int32], _ rows: BagOfWordsRows) -> Tensor {
        let n = tokens.count
        let x = tokenEmbedding(tokens, shape: [n]) + positionEmbedding(positions, shape: [n])  // (N, C)
        return head(block(x, rows))  // (N, V)
    }
}

/// The bag of words' decoding state: per slot, the sum of the embeddings fed so far.
package final class BagOfWordsState: SlotState {
    let sums: RunningSums
    var positions: SlotPositions

    init(capacity: Int, configuration c: SequenceModelConfiguration) {
        sums = RunningSums(capacity: capacity, channels: c.embedding)
        positions = SlotPositions(capacity: capacity, blockSize: c.blockSize)
    }

    package func reset(slot: Int) { positions.reset(slot: slot) }
}

extension BagOfWords: TrainableModel {
    package static let kind = "bow"
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension BagOfWords {
    package static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (6 * Double(c.embedding) + 3 * Double(c.hidden) + 2 * Double(v))
    }
}
