/// makemore.py's `MLP` (its `--type mlp`), distinct from the lectures' MLP (stage 3): every
/// position sees the `blockSize` tokens ending at itself, most recent first, positions before
/// the sequence start filled with an extra `<BLANK>` token (index V):
///
///     x = [wte[x_t], wte[x_{t−1}], …, wte[x_{t−blockSize+1}]]   (N, blockSize·C)
///     logits = mlp.2(tanh(mlp.0(x)))                             (N, V)
///
/// State-dict keys are makemore.py's: `wte.weight` (V + 1, C), `mlp.0.weight` (H, blockSize·C)
/// and `.bias` (H), `mlp.2.weight` (V, H) and `.bias` (V). At makemore.py's defaults on
/// names.txt (block size 16, C = H = 64) that is 69 147 parameters.
///
/// It trains on whole words like the RNN and the bag of words (packed batches, AdamW), and its
/// configuration is theirs: `n_embd` is C, `n_embd2` is H.
package final class MakemoreMLP: Module, PackedSequenceModel {
    /// The hyperparameters.
    package let configuration: SequenceModelConfiguration
    /// `wte`: (V + 1, C), the last row the `<BLANK>` token.
    package let tokenEmbedding: Embedding
    /// `mlp.0`: blockSize·C → H.
    package let hidden: Linear
    /// `mlp.2`: H → V.
    package let head: Linear

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    package init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        tokenEmbedding = Embedding(count: c.vocabularySize + 1, dimensions: c.embedding, using: &generator)
        hidden = Linear(inputCount: c.blockSize * c.embedding, outputCount: c.hidden, using: &generator)
        head = Linear(inputCount: c.hidden, outputCount: c.vocabularySize, using: &generator)
    }

    package var vocabularySize: Int { configuration.vocabularySize }
    package var maximumWordLength: Int? { configuration.blockSize - 1 }
    /// The `<BLANK>` token that stands for positions before the sequence start.
    package var blank: Int32 { Int32(configuration.vocabularySize) }

    /// batch (N rows) → logits (N, V)
    package func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        let n = batch.rows, k = configuration.blockSize
        var contexts = [Int32](repeating: blank, count: n * k)
        for s in 0..<batch.count {
            for row in batch.starts[s]..<batch.starts[s + 1] {
                for back in 0..<min(k, row - batch.starts[s] + 1) { contexts[row * k + back] = batch.inputs[row - back] }
            }
        }
        let x = tokenEmbedding(contexts, shape: [n, k]).reshaped([n, k * configuration.embedding])  // (N, k, C) → (N, k·C)
        return head(hidden(x).tanh())  // (N, V)
    }

    package var children: ModuleChildren { [("wte", tokenEmbedding), ("mlp.0", hidden), ("mlp.2", head)] }
}

extension MakemoreMLP: TrainableModel {
    /// Not `mlp`, which is the lectures' MLP.
    package static let kind = "makemore-mlp"
}

/// What one row of a training batch keeps (the state dict's size is counted on the model itself:
/// `TrainableModel.stateElementCount`).
extension MakemoreMLP {
    package static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.blockSize) * Double(c.embedding) + 3 * Double(c.hidden) + 2 * Double(v))
    }
}
