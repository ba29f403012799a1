@testable import MakemoreKit

/// Sums over a whole tensor or one axis, accumulated in Double: the usual losses of gradient
/// checks and reference computations.
extension Tensor {
    /// Σ x, a scalar of shape []. Backward: ∂x += ∂out (every element).
    func sum() -> Tensor {
        let out = Tensor(Float(values.reduce(0.0) { $0 + Double($1) }))
        out.record(inputs: [self]) { [self] out in
            accumulateGrad([Float](repeating: out.gradValues![0], count: count))
        }
        return out
    }

    /// Σ over `axis` (negative counts from the end), which is removed from the shape.
    /// Backward: ∂x[..., i, ...] += ∂out[..., ...] for every i along the axis.
    func sum(axis: Int) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        precondition(shape.indices.contains(axis), "axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape.remove(at: axis)
        let x = values
        let sums = (0..<(outer * inner)).map { r in
            Float((0..<length).reduce(0.0) { $0 + Double(x[(r / inner * length + $1) * inner + r % inner]) })
        }
        let out = Tensor(shape: outShape, values: sums)
        out.record(inputs: [self]) { [self] out in
            let g = out.gradValues!
            accumulateGrad((0..<count).map { e in g[e / (length * inner) * inner + e % inner] })
        }
        return out
    }

    /// Mean over `axis`: `sum(axis:) / shape[axis]`.
    func mean(axis: Int) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        return sum(axis: axis).scaled(by: 1 / Float(shape[axis]))
    }
}
