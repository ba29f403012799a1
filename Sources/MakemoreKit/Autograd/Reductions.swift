import MakemoreKernels

/// The mean of all elements (the neural bigram's L2 penalty); the sum accumulates in Double.
extension Tensor {
    /// Σ x / n, a scalar of shape []. Backward: ∂x += ∂out / n.
    public func mean() -> Tensor {
        let n = count
        let out = Tensor(Float(sumForward(data, n) / Double(n)))
        out.record(inputs: [self]) { [self] out in
            broadcastBackward(gradData, out.gradData[0] / Float(n), n)
        }
        return out
    }
}
