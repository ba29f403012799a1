import MakemoreKernels

/// makemore.py's `x + cbow(x)`: every row plus the uniform average of its sequence's rows up to
/// and including itself (the softmax of a masked all-zero attention matrix, computed as a
/// running mean in O(N·C)). x is (N, C), rows packed as in `PackedSequences`; `sequenceStarts`
/// (sequences + 1) delimits them.
///
/// Backward: ∂x_t += ∂out_t + Σ_{u ≥ t} ∂out_u / (u + 1), a running sum from each sequence's end.
package func causalBagOfWords(_ x: Tensor, sequenceStarts: [Int]) -> Tensor {
    precondition(x.shape.count == 2 && sequenceStarts.first == 0 && sequenceStarts.last == x.shape[0],
                 "causalBagOfWords needs (N, C) rows covered by the sequence starts, got \(x.shape)")
    let channels = x.shape[1]
    let out = Tensor(uninitializedShape: x.shape)
    causalBagOfWordsForward(out.data, x.data, sequenceStarts, channels)
    out.record(inputs: [x]) { out in
        causalBagOfWordsBackward(x.gradData, out.gradData, sequenceStarts, channels)
    }
    return out
}
