/// Shape changes and data movement. `reshaped` and `rows` are views (no copy); the others copy.
/// Every view has its own gradient buffer, which its backward adds into the base's gradient.
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
            accumulate(gradData, out.gradData, count)
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

    /// The elements at positions `range` along `axis` (a copy; the axis keeps its rank).
    /// Backward: ∂x[..., range, ...] += ∂out.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        precondition(shape.indices.contains(axis) && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) on axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = range.count
        let out = Tensor(uninitializedShape: outShape)
        let length = range.count * inner, stride = shape[axis] * inner, start = range.lowerBound * inner
        copyBlocks(out.data, 0, length, data, start, stride, length, outer)
        out.record(inputs: [self]) { [self] out in
            accumulateBlocks(gradData, start, stride, out.gradData, 0, length, length, outer)
        }
        return out
    }

    /// The axes reordered: `out.shape[i] == shape[order[i]]` (a copy).
    /// Backward: ∂x += ∂out permuted back by the inverse order.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(shape.indices), "\(order) is not a permutation of \(shape.indices)")
        let out = Tensor(uninitializedShape: order.map { shape[$0] })
        permuteForward(out.data, data, shape, order)
        out.record(inputs: [self]) { [self] out in
            permuteBackward(gradData, out.gradData, shape, order)
        }
        return out
    }

    /// The last two axes swapped: [..., M, N] → [..., N, M] (a copy).
    /// Backward: ∂x += ∂outᵀ (last two axes).
    public func transposed() -> Tensor {
        precondition(shape.count >= 2, "transposed() needs at least two axes, shape is \(shape)")
        var order = Array(shape.indices)
        order.swapAt(shape.count - 1, shape.count - 2)
        return permuted(order)
    }
}

/// The tensors joined along `axis` (negative counts from the end); all other dimensions must
/// agree. Backward: each input receives its own block of ∂out.
public func concatenated(_ tensors: [Tensor], axis: Int = -1) -> Tensor {
    precondition(!tensors.isEmpty, "nothing to concatenate")
    let first = tensors[0].shape
    let axis = axis < 0 ? first.count + axis : axis
    precondition(first.indices.contains(axis), "axis \(axis) out of range for shape \(first)")
    for t in tensors {
        var s = t.shape
        precondition(s.count == first.count, "cannot concatenate shapes \(first) and \(t.shape)")
        s[axis] = first[axis]
        precondition(s == first, "cannot concatenate shapes \(first) and \(t.shape)")
    }
    let outer = first[..<axis].reduce(1, *), inner = first[(axis + 1)...].reduce(1, *)
    var outShape = first
    outShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    let stride = outShape[axis] * inner
    let out = Tensor(uninitializedShape: outShape)
    var starts: [Int] = []
    var start = 0
    for t in tensors {
        starts.append(start)
        let length = t.shape[axis] * inner
        copyBlocks(out.data, start, stride, t.data, 0, length, length, outer)
        start += length
    }
    out.record(inputs: tensors) { out in
        for (t, start) in zip(tensors, starts) where t.requiresGrad {
            let length = t.shape[axis] * inner
            accumulateBlocks(t.gradData, 0, length, out.gradData, start, stride, length, outer)
        }
    }
    return out
}
