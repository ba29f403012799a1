import MakemoreKernels

/// Fused softmax cross-entropy: the mean over non-ignored rows of −log softmax(logits)[target].
/// `logits` is `[N, V]` (or `[..., V]`, rows flattened); `targets` has one entry per row, and
/// rows whose target is `ignoreIndex` contribute neither loss nor gradient. With no valid row
/// the loss is 0. Numerically stable (max-subtracted); the softmax is cached for backward.
///
/// Backward: ∂logits[r] += ∂loss·(softmax(logits[r]) − onehot(target[r])) / n_valid on valid
/// rows, nothing on ignored rows.
public func crossEntropy(logits: Tensor, targets: [Int32], ignoreIndex: Int32 = -1) -> Tensor {
    let vocabulary = logits.shape.last ?? 1
    let rows = logits.count / max(vocabulary, 1)
    precondition(targets.count == rows, "\(targets.count) targets for \(rows) rows of logits \(logits.shape)")
    let probs = Tensor(uninitializedShape: [rows, vocabulary])
    let (lossSum, valid) = crossEntropyForward(probs.data, logits.data, targets, rows, vocabulary,
                                               ignoreIndex: ignoreIndex)
    let out = Tensor(valid > 0 ? Float(lossSum / Double(valid)) : 0)
    out.record(inputs: [logits]) { out in
        crossEntropyBackward(logits.gradForWriting, probs.data, targets, out.gradData[0], rows, vocabulary,
                             ignoreIndex: ignoreIndex, validCount: valid)
    }
    return out
}
