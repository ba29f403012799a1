import MakemoreKernels

/// Views: the same storage seen in another shape (`reshaped`) or as a run of rows (`rows`), no
/// copy. Every view has its own gradient buffer, which its backward adds into the base's gradient.
extension Tensor {
    /// The same data in a new shape with the same element count; one dimension may be −1
    /// (inferred). Shares storage. Backward: ∂x += ∂out (same elements, same order).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            newShape[unknown] = count / known
        }
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        let out = Tensor(shape: newShape, storage: storage, offset: offset)
        out.record(inputs: [self]) { [self] out in
            accumulate(gradForWriting, out.gradData, count)
        }
        return out
    }

    /// Rows `range` of the first axis, as a view sharing storage.
    /// Backward: ∂x[range] += ∂out.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows \(range) out of range for shape \(shape)")
        let rowSize = shape.count > 1 ? count / shape[0] : 1
        let start = range.lowerBound * rowSize
        let out = Tensor(shape: [range.count] + shape.dropFirst(), storage: storage, offset: offset + start)
        out.record(inputs: [self]) { [self] out in
            accumulateBlocks(gradData, start, 0, out.gradData, 0, 0, out.count, 1)
        }
        return out
    }
}
