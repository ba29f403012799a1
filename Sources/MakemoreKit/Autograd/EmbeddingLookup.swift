import MakemoreKernels

/// Row lookup: `out[..., :] = table[indices[...], :]`, output shape `shape + [D]` for a
/// `[V, D]` table (`shape` defaults to `[indices.count]`).
///
/// Backward: scatter-add, ∂table[indices[i]] += ∂out[i]; repeated indices accumulate.
public func embedding(_ table: Tensor, indices: [Int32], shape: [Int]? = nil) -> Tensor {
    precondition(table.shape.count == 2, "embedding table must be [V, D], got \(table.shape)")
    let shape = shape ?? [indices.count]
    precondition(Tensor.elementCount(shape) == indices.count, "\(indices.count) indices do not fill \(shape)")
    let (vocabulary, width) = (table.shape[0], table.shape[1])
    let out = Tensor(uninitializedShape: shape + [width])
    embeddingForward(out.data, table.data, indices, vocabulary, width)
    out.record(inputs: [table]) { out in
        embeddingBackward(table.gradData, out.gradData, indices, width)
    }
    return out
}
