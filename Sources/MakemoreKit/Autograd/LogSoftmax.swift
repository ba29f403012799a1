import MakemoreKernels

/// Log-softmax over the last axis, max-subtracted for stability: the next-token log-probabilities
/// every model returns for evaluation and sampling.
extension Tensor {
    /// `out = x − max − log Σ exp(x − max)` per last-axis row.
    /// Backward: ∂x += ∂out − exp(out)·Σ_row ∂out.
    public func logSoftmax() -> Tensor {
        let columns = shape.last ?? 1
        let rows = count / max(columns, 1)
        let out = Tensor(uninitializedShape: shape)
        logSoftmaxForward(out.data, data, rows, columns)
        out.record(inputs: [self]) { [self] out in
            logSoftmaxBackward(gradData, out.data, out.gradData, rows, columns)
        }
        return out
    }
}
