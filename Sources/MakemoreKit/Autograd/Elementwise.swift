import MakemoreKernels

/// Element-wise arithmetic with broadcasting of a trailing-shape operand.
///
/// Two operands combine when their shapes are equal, when one shape is a suffix of the other
/// (`[N, C]` with `[C]`, `[B, T, C]` with `[T, C]`), or when one has a single element. The small
/// operand repeats over the big one's leading axes, so its gradient sums over them.
extension Tensor {
    /// Orders two operands as (big, small) and views the big one as [outer, inner].
    private static func broadcast(_ a: Tensor, _ b: Tensor)
        -> (big: Tensor, small: Tensor, outer: Int, inner: Int)
    {
        func isSuffix(_ s: [Int], of t: [Int]) -> Bool {
            s.count <= t.count && Array(t.suffix(s.count)) == s
        }
        if a.shape == b.shape { return (a, b, 1, a.count) }
        if b.count == 1 || isSuffix(b.shape, of: a.shape), b.count > 0 {
            return (a, b, a.count / b.count, b.count)
        }
        if a.count == 1 || isSuffix(a.shape, of: b.shape), a.count > 0 {
            return (b, a, b.count / a.count, a.count)
        }
        preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }

    /// `a + b`. Backward: ∂a += ∂out, ∂b += ∂out (summed over broadcast axes).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (big, small, outer, inner) = broadcast(a, b)
        let out = Tensor(uninitializedShape: big.shape)
        addForward(out.data, big.data, small.data, outer, inner)
        out.record(inputs: [big, small]) { out in
            // One gradient at a time, each fetched right before it is written (`x + x` adds twice).
            if let dbig = big.gradForWritingIfRequired { addBackwardBig(dbig, out.gradData, outer, inner) }
            if let dsmall = small.gradForWritingIfRequired { addBackwardSmall(dsmall, out.gradData, outer, inner) }
        }
        return out
    }

    /// `a − b`, derived: `a + (−1)·b`.
    public static func - (a: Tensor, b: Tensor) -> Tensor { a + b.scaled(by: -1) }

    /// `a ⊙ b`. Backward: ∂a += ∂out ⊙ b, ∂b += ∂out ⊙ a (summed over broadcast axes).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (big, small, outer, inner) = broadcast(a, b)
        let out = Tensor(uninitializedShape: big.shape)
        multiplyForward(out.data, big.data, small.data, outer, inner)
        out.record(inputs: [big, small]) { out in
            multiplyBackward(big.gradDataIfRequired, small.gradDataIfRequired, out.gradData,
                             big.data, small.data, outer, inner)
        }
        return out
    }

    /// `alpha·x + beta`. Backward: ∂x += alpha·∂out.
    public func affine(scale alpha: Float, shift beta: Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        affineForward(out.data, data, alpha, beta, count)
        out.record(inputs: [self]) { [self] out in
            accumulate(gradData, out.gradData, scale: alpha, count)
        }
        return out
    }

    /// `alpha·x`. Backward: ∂x += alpha·∂out.
    public func scaled(by alpha: Float) -> Tensor { affine(scale: alpha, shift: 0) }

    /// `x + beta`. Backward: ∂x += ∂out.
    public func adding(_ beta: Float) -> Tensor { affine(scale: 1, shift: beta) }

    public static prefix func - (x: Tensor) -> Tensor { x.scaled(by: -1) }
    public static func * (x: Tensor, alpha: Float) -> Tensor { x.scaled(by: alpha) }
    public static func * (alpha: Float, x: Tensor) -> Tensor { x.scaled(by: alpha) }
    public static func / (x: Tensor, alpha: Float) -> Tensor { x.scaled(by: 1 / alpha) }
    public static func + (x: Tensor, beta: Float) -> Tensor { x.adding(beta) }
    public static func - (x: Tensor, beta: Float) -> Tensor { x.adding(-beta) }
    public static func + (beta: Float, x: Tensor) -> Tensor { x.adding(beta) }
    public static func - (beta: Float, x: Tensor) -> Tensor { x.affine(scale: -1, shift: beta) }
}
