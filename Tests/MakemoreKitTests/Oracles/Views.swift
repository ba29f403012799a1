@testable import MakemoreKit

/// Copies that move data between axes, for composing reference computations in tests (the
/// models use fused ops instead). All are `gathered`, so their backward is a scatter-add.
extension Tensor {
    /// The elements at positions `range` along `axis` (negative counts from the end); the axis
    /// keeps its rank.
    func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        precondition(shape.indices.contains(axis) && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) on axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = range.count
        let sources = (0..<outer).flatMap { o in
            range.flatMap { i in (0..<inner).map { (tensor: 0, index: (o * shape[axis] + i) * inner + $0) } }
        }
        return gathered(from: [self], sources, shape: outShape)
    }

    /// The axes reordered: `out.shape[i] == shape[order[i]]`.
    func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(shape.indices), "\(order) is not a permutation of \(shape.indices)")
        let outShape = order.map { shape[$0] }, inStrides = rowMajorStrides(shape)
        let outStrides = rowMajorStrides(outShape)
        let sources = (0..<count).map { e in
            (tensor: 0, index: outShape.indices.reduce(0) { $0 + e / outStrides[$1] % outShape[$1] * inStrides[order[$1]] })
        }
        return gathered(from: [self], sources, shape: outShape)
    }

    /// The last two axes swapped: [..., M, N] → [..., N, M].
    func transposed() -> Tensor {
        precondition(shape.count >= 2, "transposed() needs at least two axes, shape is \(shape)")
        var order = Array(shape.indices)
        order.swapAt(shape.count - 1, shape.count - 2)
        return permuted(order)
    }
}

/// The tensors joined along `axis` (negative counts from the end); all other dimensions must agree.
func concatenated(_ tensors: [Tensor], axis: Int = -1) -> Tensor {
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
    let sources = (0..<outer).flatMap { o in
        tensors.indices.flatMap { t in
            (0..<(tensors[t].shape[axis] * inner)).map { (tensor: t, index: o * tensors[t].shape[axis] * inner + $0) }
        }
    }
    return gathered(from: tensors, sources, shape: outShape)
}

/// The row-major strides of `shape`.
private func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
    return strides
}
