/// Sums and means, to a scalar or over one axis. Forward sums accumulate in Double.
extension Tensor {
    /// Σ x, a scalar of shape []. Backward: ∂x += ∂out (every element).
    public func sum() -> Tensor {
        let out = Tensor(Float(sumForward(data, count)))
        out.record(inputs: [self]) { [self] out in
            broadcastBackward(gradData, out.gradData[0], count)
        }
        return out
    }

    /// Σ x / n, a scalar of shape []. Backward: ∂x += ∂out / n.
    public func mean() -> Tensor {
        let n = count
        let out = Tensor(Float(sumForward(data, n) / Double(n)))
        out.record(inputs: [self]) { [self] out in
            broadcastBackward(gradData, out.gradData[0] / Float(n), n)
        }
        return out
    }

    /// Σ over `axis` (negative counts from the end), which is removed from the shape.
    /// Backward: ∂x[..., i, ...] += ∂out[..., ...] for every i along the axis.
    public func sum(axis: Int) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        precondition(shape.indices.contains(axis), "axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape.remove(at: axis)
        let out = Tensor.zeros(shape: outShape)
        if inner == 1 {
            sumRowsForward(out.data, data, outer, length)
        } else {
            for i in 0..<length {  // one strided pass per position along the axis
                accumulateBlocks(out.data, 0, inner, data, i * inner, length * inner, inner, outer)
            }
        }
        out.record(inputs: [self]) { [self] out in
            if inner == 1 {
                sumRowsBackward(gradData, out.gradData, outer, length)
            } else {
                for i in 0..<length {
                    accumulateBlocks(gradData, i * inner, length * inner, out.gradData, 0, inner, inner, outer)
                }
            }
        }
        return out
    }

    /// Mean over `axis`, derived: `sum(axis:) / shape[axis]`.
    public func mean(axis: Int) -> Tensor {
        let axis = axis < 0 ? shape.count + axis : axis
        return sum(axis: axis).scaled(by: 1 / Float(shape[axis]))
    }
}
