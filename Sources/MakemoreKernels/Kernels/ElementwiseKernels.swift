import Foundation

// Element-wise kernels in llm.c style. `n` = element count. A "broadcast" pair works on a
// [outer, inner] big operand and an [inner] small operand repeated over `outer` (the small
// operand's shape is a suffix of the big one's; same-shape operands have outer = 1).
// Backward kernels ACCUMULATE (+=) into gradient buffers; a nil gradient is skipped. Those that
// take a `GradientTarget` write (=) instead when it is the gradient's first contribution.

/// Where a backward kernel puts a gradient, and whether it adds to what is there (a later
/// contribution) or overwrites every element (the first one; see `Tensor.gradForWriting`).
package struct GradientTarget {
    package let pointer: UnsafeMutablePointer<Float>
    package let accumulate: Bool

    package init(pointer: UnsafeMutablePointer<Float>, accumulate: Bool) {
        self.pointer = pointer
        self.accumulate = accumulate
    }
}

/// dst[n] += src[n]
package func accumulate(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int) {
    for i in 0..<n { dst[i] += src[i] }
}

/// running[n] = (1 − momentum)·running[n] + momentum·scale·batch[n]
package func movingAverage(_ running: UnsafeMutablePointer<Float>, _ batch: UnsafePointer<Float>, _ n: Int, momentum: Float, scale: Float) {
    for i in 0..<n { running[i] = (1 - momentum) * running[i] + momentum * scale * batch[i] }
}

/// a[n] ⇄ b[n]
package func swapValues(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ n: Int) {
    for i in 0..<n { (a[i], b[i]) = (b[i], a[i]) }
}

/// mask[n] = 0 with chance `probability`, else `keep`; each element compares 32 random bits
/// (half of one 64-bit draw of `generator`) with probability·2³²
package func dropoutMask(_ mask: UnsafeMutablePointer<Float>, _ n: Int, probability: Float, keep: Float,
                 using generator: inout some RandomNumberGenerator) {
    let threshold = UInt64(Double(probability) * 0x1.0p32)
    var i = 0
    while i < n {
        let bits = generator.next()
        mask[i] = bits & 0xFFFF_FFFF < threshold ? 0 : keep
        if i + 1 < n { mask[i + 1] = bits >> 32 < threshold ? 0 : keep }
        i += 2
    }
}

/// dst[n] += alpha * src[n]
package func accumulate(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, scale alpha: Float, _ n: Int) {
    for i in 0..<n { dst[i] += alpha * src[i] }
}

/// out[outer, inner] = big[outer, inner] + small[inner]
package func addForward(
    _ out: UnsafeMutablePointer<Float>, _ big: UnsafePointer<Float>, _ small: UnsafePointer<Float>,
    _ outer: Int, _ inner: Int
) {
    for o in 0..<outer {
        let row = o &* inner
        let y = out + row, a = big + row
        for i in 0..<inner { y[i] = a[i] + small[i] }
    }
}

/// dst[n] (+)= src[n]
package func accumulate(_ dst: GradientTarget, _ src: UnsafePointer<Float>, _ n: Int) {
    if dst.accumulate { accumulate(dst.pointer, src, n) } else { dst.pointer.update(from: src, count: n) }
}

/// dst[inner] (+)= Σ_rows src[rows, inner], the rows added in order (a first write starts from
/// row 0, so the sum is the one a zero-filled buffer would hold)
package func sumRows(_ dst: GradientTarget, _ src: UnsafePointer<Float>, _ rows: Int, _ inner: Int) {
    guard rows > 0 else {
        if !dst.accumulate { dst.pointer.update(repeating: 0, count: inner) }
        return
    }
    accumulate(dst, src, inner)
    for o in 1..<rows { accumulate(dst.pointer, src + o &* inner, inner) }
}

/// dbig[outer, inner] (+)= dout  (big's share of `a + b`'s backward)
package func addBackwardBig(_ dbig: GradientTarget, _ dout: UnsafePointer<Float>, _ outer: Int, _ inner: Int) {
    accumulate(dbig, dout, outer &* inner)
}

/// dsmall[inner] (+)= Σ_outer dout  (small's share, summed over the broadcast rows)
package func addBackwardSmall(_ dsmall: GradientTarget, _ dout: UnsafePointer<Float>, _ outer: Int, _ inner: Int) {
    sumRows(dsmall, dout, outer, inner)
}

/// out[outer, inner] = big[outer, inner] * small[inner]
package func multiplyForward(
    _ out: UnsafeMutablePointer<Float>, _ big: UnsafePointer<Float>, _ small: UnsafePointer<Float>,
    _ outer: Int, _ inner: Int
) {
    for o in 0..<outer {
        let row = o &* inner
        let y = out + row, a = big + row
        for i in 0..<inner { y[i] = a[i] * small[i] }
    }
}

/// dbig[outer, inner] += dout * small;  dsmall[inner] += Σ_outer dout * big
package func multiplyBackward(
    _ dbig: UnsafeMutablePointer<Float>?, _ dsmall: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ big: UnsafePointer<Float>, _ small: UnsafePointer<Float>,
    _ outer: Int, _ inner: Int
) {
    for o in 0..<outer {
        let row = o &* inner
        let dy = dout + row
        if let dbig {
            let da = dbig + row
            for i in 0..<inner { da[i] += dy[i] * small[i] }
        }
        if let dsmall {
            let a = big + row
            for i in 0..<inner { dsmall[i] += dy[i] * a[i] }
        }
    }
}

/// out[n] = alpha * inp[n] + beta
package func affineForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ alpha: Float, _ beta: Float, _ n: Int
) {
    for i in 0..<n { out[i] = alpha * inp[i] + beta }
}

/// out[n] = tanh(inp[n])
package func tanhForward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ n: Int) {
    VectorMath.tanh(inp, out, count: n)
}

/// dinp[n] (+)= (1 − out²) · dout
package func tanhBackward(
    _ dinp: GradientTarget, _ out: UnsafePointer<Float>, _ dout: UnsafePointer<Float>, _ n: Int
) {
    let d = dinp.pointer
    if dinp.accumulate {
        for i in 0..<n { d[i] += (1 - out[i] * out[i]) * dout[i] }
    } else {
        for i in 0..<n { d[i] = (1 - out[i] * out[i]) * dout[i] }
    }
}

private let geluScale: Float = 0.7978845608028654  // √(2/π)

/// out[n] = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)));  cache[n] = that tanh (for backward)
package func geluForward(
    _ out: UnsafeMutablePointer<Float>, _ cache: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>,
    _ n: Int
) {
    // One pass, 16 lanes at a time; the tail through one zero-padded vector.
    @inline(__always) func gelu(_ x: SIMD16<Float>) -> (out: SIMD16<Float>, t: SIMD16<Float>) {
        let t = VectorMath.tanh(geluScale * (x + 0.044715 * x * x * x))
        return (0.5 * x * (1 + t), t)
    }
    var i = 0
    while i &+ 16 <= n {
        let (y, t) = gelu(load(inp, i))
        store(t, cache, i)
        store(y, out, i)
        i &+= 16
    }
    guard i < n else { return }
    let (y, t) = gelu(loadPartial(inp + i, n &- i))
    storePartial(t, cache + i, n &- i)
    storePartial(y, out + i, n &- i)
}

/// dinp[n] (+)= dout · (0.5(1 + t) + 0.5x(1 − t²)·√(2/π)(1 + 3·0.044715x²)),  t = cache
package func geluBackward(
    _ dinp: GradientTarget, _ inp: UnsafePointer<Float>, _ cache: UnsafePointer<Float>,
    _ dout: UnsafePointer<Float>, _ n: Int
) {
    @inline(__always) func derivative(_ i: Int) -> Float {
        let x = inp[i], t = cache[i]
        let du = geluScale * (1 + 3 * 0.044715 * x * x)
        return dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
    }
    let d = dinp.pointer
    if dinp.accumulate {
        for i in 0..<n { d[i] += derivative(i) }
    } else {
        for i in 0..<n { d[i] = derivative(i) }
    }
}

/// out[n] = max(inp[n], 0)
package func reluForward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ n: Int) {
    for i in 0..<n { out[i] = max(inp[i], 0) }
}

/// dinp[n] += dout where out > 0 (the subgradient at 0 is 0)
package func reluBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ out: UnsafePointer<Float>, _ dout: UnsafePointer<Float>, _ n: Int
) {
    for i in 0..<n where out[i] > 0 { dinp[i] += dout[i] }
}
