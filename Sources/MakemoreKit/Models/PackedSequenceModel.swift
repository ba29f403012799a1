/// A whole-word model trained on packed batches (the transformer, RNN, GRU, bag of words): it
/// supplies the logits of a packed batch; the loss and whole-word scoring are shared here.
public protocol PackedSequenceModel: Module, LanguageModel {
    /// batch (N packed rows) → logits (N, V)
    func logits(_ batch: PackedSequences) -> Tensor
}

extension PackedSequenceModel {
    /// Mean cross-entropy of the batch's targets (padding ignored).
    public func loss(_ batch: PackedSequences) -> Tensor {
        crossEntropy(logits: logits(batch), targets: batch.targets, ignoreIndex: SequenceExamples.ignoreIndex)
    }

    /// Every word packed and scored in evaluation mode.
    public func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] {
        evaluating { logits(PackedSequences(words: words)).logSoftmax().values }
    }
}
