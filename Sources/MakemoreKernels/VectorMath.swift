// The SIMD helpers of the kernels, 16 lanes of `Float` at a time: transcendental functions
// (`VectorMath`), and loads, stores (whole vectors, and the partial vector of a tail), dot
// products, axpy and sums over flat buffers.

/// Element-wise transcendental functions over flat buffers, 16 lanes at a time. `x` and `y` may
/// be the same buffer. Accuracy (tested against libm in `Double`): `exp` within 2e-7 relative,
/// `tanh` within 1e-6 absolute, `sigmoid` within 3e-7 relative; overflow, underflow, ±∞ and NaN
/// behave as in libm.
package enum VectorMath {
    /// `y[i] = exp(x[i])`
    package static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, .exp)
    }

    /// `y[i] = tanh(x[i])`
    package static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, .tanh)
    }

    /// `y[i] = 1 / (1 + exp(-x[i]))`
    package static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count, .sigmoid)
    }

    package typealias Vector = SIMD16<Float>

    /// `e^x` lane-wise. `x = n·ln2 + r` with |r| ≤ ln2/2 (ln2 split in two for an exact
    /// reduction), `e^r` by Cephes' `expf` polynomial, then `2^n` applied as two halves so that
    /// subnormal results stay right. Below −104 the result is 0, above 88.73 it is +∞.
    @inline(__always)
    package static func exp(_ x: Vector) -> Vector {
        // Compare-and-select, not `clamped` (whose NaN rules keep it from vectorising); NaN
        // passes through here and is restored at the end.
        let clamped = x.replacing(with: -104, where: x .< -104).replacing(with: 89, where: x .> 89)
        // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer n, which then sits in the low
        // bits of the sum (no float-to-integer conversion, so no trap on any input).
        let magic: Float = 0x1.8p23
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic
        let r = clamped
            .addingProduct(n, Vector(repeating: -0.693145751953125))  // ln2 high bits: n·it is exact
            .addingProduct(n, Vector(repeating: -1.428606765330187045e-6))  // ln2 − high bits
        var p = Vector(repeating: 1.9875691500e-4)
        p = horner(p, r, 1.3981999507e-3)
        p = horner(p, r, 8.3334519073e-3)
        p = horner(p, r, 4.1665795894e-2)
        p = horner(p, r, 1.6666665459e-1)
        p = horner(p, r, 5.0000001201e-1)
        let er = (r + 1).addingProduct(p, r * r)  // e^r ≈ 1 + r + r²·p(r)
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: magic.bitPattern)  // n, in [-150, 128]
        let half = exponent &>> 1
        var result = er * powerOfTwo(half) * powerOfTwo(exponent &- half)
        result.replace(with: x, where: x .!= x)  // NaN in, NaN out
        return result
    }

    /// √x for x ≥ 0, lane by lane, in vector registers: x·r with r = 1/√x from a bit-trick
    /// estimate (≤ 0.18 % off) refined by two Newton steps r ← r·(1.5 − 0.5·x·r²), then one
    /// Newton step on the root itself; within 2 ulp of the correctly rounded root. (On Linux
    /// `Float.squareRoot()` goes through libc's errno-setting `sqrtf`, so a SIMD `squareRoot()`
    /// becomes 16 scalar calls.) √0 = 0.
    @inline(__always)
    package static func squareRoot(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        var r = unsafeBitCast(SIMD16<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> 1), to: Vector.self)
        let half = 0.5 * x
        r = r * (1.5 - half * r * r)
        r = r * (1.5 - half * r * r)
        var root = x * r
        root = root + 0.5 * r * (x - root * root)
        return root.replacing(with: 0, where: x .== 0)
    }

    /// `tanh(x)` lane-wise, computed on |x| and given the sign of `x` (so exactly odd, and −0
    /// stays −0): Cephes' `tanhf` odd polynomial below 0.625, otherwise `1 − 2/(e^{2|x|} + 1)`,
    /// which saturates to 1 once `e^{2|x|}` overflows.
    @inline(__always)
    package static func tanh(_ x: Vector) -> Vector {
        let signBit = SIMD16<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let magnitude = unsafeBitCast(bits & ~signBit, to: Vector.self)
        let z = magnitude * magnitude
        var p = Vector(repeating: -5.70498872745e-3)
        p = horner(p, z, 2.06390887954e-2)
        p = horner(p, z, -5.37397155531e-2)
        p = horner(p, z, 1.33314422036e-1)
        p = horner(p, z, -3.33332819422e-1)
        let small = magnitude.addingProduct(magnitude * z, p)  // |x| + |x|³·p(x²)
        let large = 1 - 2 / (exp(2 * magnitude) + 1)
        let result = large.replacing(with: small, where: magnitude .< 0.625)
        return unsafeBitCast(unsafeBitCast(result, to: SIMD16<UInt32>.self) | (bits & signBit), to: Vector.self)
    }

    /// `1 / (1 + e^{-x})` lane-wise: 0 and 1 in the limits, NaN for NaN.
    @inline(__always)
    package static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }

    /// `c + p·x`, one step of Horner's rule.
    @inline(__always)
    private static func horner(_ p: Vector, _ x: Vector, _ c: Float) -> Vector {
        Vector(repeating: c).addingProduct(p, x)
    }

    /// `2^e` for integer `e` in the normal exponent range [-126, 127].
    @inline(__always)
    private static func powerOfTwo(_ e: SIMD16<Int32>) -> Vector {
        unsafeBitCast((e &+ 127) &<< 23, to: Vector.self)
    }

    /// The functions `map` applies.
    private enum Function { case exp, tanh, sigmoid }

    /// `function` of `x`: a constant `function` folds the switch away, so the function's body
    /// sits in `map`'s loop (passed as a closure it stayed a call per vector, through one
    /// outlined thunk).
    @inline(__always)
    private static func apply(_ function: Function, _ x: Vector) -> Vector {
        switch function {
        case .exp: exp(x)
        case .tanh: tanh(x)
        case .sigmoid: sigmoid(x)
        }
    }

    /// Applies `function` to `x` 16 lanes at a time; the tail goes through one zero-padded vector.
    @inline(__always)
    private static func map(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, _ function: Function
    ) {
        var i = 0
        while i &+ 16 <= count {
            store(apply(function, load(x, i)), y, i)
            i &+= 16
        }
        guard i < count else { return }
        storePartial(apply(function, loadPartial(x + i, count &- i)), y + i, count &- i)
    }
}

/// Σ over i in 0..<n, sixteen lanes at a time into independent partial sums (a scalar `+=` loop
/// is one long dependency chain that strict float ordering keeps from vectorising), then the
/// scalar tail.
@inline(__always)
package func laneSum(_ n: Int, _ lanes: (Int) -> SIMD16<Float>, _ scalar: (Int) -> Float) -> Float {
    var partial = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= n {
        partial += lanes(i)
        i &+= 16
    }
    var total = orderedSum(partial)
    while i < n {
        total += scalar(i)
        i &+= 1
    }
    return total
}

/// `laneSum` of four rows at once (`lanes(row, i)`, `scalar(row, i)` for rows 0..<4), bit for bit:
/// the four rows' sums run side by side where one row after another waits for each addition.
@inline(__always)
package func laneSums(
    _ n: Int, _ lanes: (Int, Int) -> SIMD16<Float>, _ scalar: (Int, Int) -> Float
) -> SIMD4<Float> {
    var p0 = SIMD16<Float>(), p1 = SIMD16<Float>(), p2 = SIMD16<Float>(), p3 = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= n {
        p0 += lanes(0, i)
        p1 += lanes(1, i)
        p2 += lanes(2, i)
        p3 += lanes(3, i)
        i &+= 16
    }
    var total = SIMD4(orderedSum(p0), orderedSum(p1), orderedSum(p2), orderedSum(p3))
    while i < n {
        total += SIMD4(scalar(0, i), scalar(1, i), scalar(2, i), scalar(3, i))
        i &+= 1
    }
    return total
}

/// v[0] + v[1] + … + v[15], added in lane order: `v.sum()`'s result (tested), written out so
/// that it is inlined (four `sum()` calls in one function became four outlined calls).
@inline(__always)
package func orderedSum(_ v: SIMD16<Float>) -> Float {
    var total = v[0]
    for lane in 1..<16 { total += v[lane] }
    return total
}

/// Sixteen floats from `p + i` (any alignment).
@inline(__always)
package func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
}

/// Sixteen floats stored at `p + i` (any alignment).
@inline(__always)
package func store(_ x: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: SIMD16<Float>.self)
}

/// The `count` floats at `p` (at most a vector's lanes) in a vector's first lanes, zeros after:
/// the tail of a buffer that is not a whole number of vectors, without reading past it.
@inline(__always)
package func loadPartial<V: SIMD>(_ p: UnsafePointer<Float>, _ count: Int) -> V where V.Scalar == Float {
    var v = V()
    for lane in 0..<count { v[lane] = p[lane] }
    return v
}

/// Stores the first `count` lanes of `v` (at most its lanes) at `p`, writing nothing after them.
@inline(__always)
package func storePartial<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>, _ count: Int) where V.Scalar == Float {
    for lane in 0..<count { p[lane] = v[lane] }
}

/// Σ a[n]·b[n], 16 lanes at a time
@inline(__always)
package func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var lanes = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= n {
        lanes.addProduct(load(a, i), load(b, i))
        i &+= 16
    }
    var total = orderedSum(lanes)
    while i < n {
        total += a[i] * b[i]
        i &+= 1
    }
    return total
}

/// (dot(a, b, n), dot(a, b + stride, n), dot(a, b + 2·stride, n), dot(a, b + 3·stride, n)), bit
/// for bit: the same products and the same lane-by-lane sums, the four sums side by side (four
/// independent chains) where four calls of `dot` would wait for one another's last addition.
@inline(__always)
package func dots(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, stride: Int, _ n: Int) -> SIMD4<Float> {
    let b1 = b + stride, b2 = b1 + stride, b3 = b2 + stride
    var l0 = SIMD16<Float>(), l1 = SIMD16<Float>(), l2 = SIMD16<Float>(), l3 = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= n {
        let x = load(a, i)
        l0.addProduct(x, load(b, i))
        l1.addProduct(x, load(b1, i))
        l2.addProduct(x, load(b2, i))
        l3.addProduct(x, load(b3, i))
        i &+= 16
    }
    var total = SIMD4(orderedSum(l0), orderedSum(l1), orderedSum(l2), orderedSum(l3))
    while i < n {
        total += SIMD4(repeating: a[i]) * SIMD4(b[i], b1[i], b2[i], b3[i])
        i &+= 1
    }
    return total
}

/// y[n] += alpha · x[n], 16 lanes at a time (head sizes are multiples of 16 at the presets)
@inline(__always)
package func axpy(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ alpha: Float, _ n: Int) {
    var i = 0
    while i &+ 16 <= n {
        var lanes = load(y, i)
        lanes.addProduct(SIMD16(repeating: alpha), load(x, i))
        store(lanes, y, i)
        i &+= 16
    }
    while i < n {
        y[i] += alpha * x[i]
        i &+= 1
    }
}
