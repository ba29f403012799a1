import Foundation

// Log-softmax over the last axis. R = rows, C = classes (V for a vocabulary).

/// y[n] = x − max x for one row; returns max x. Cross-entropy shifts every row of a batch with
/// it before exponentiating them all in one pass.
package func shiftByMaximum(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var maxValue = -Float.infinity
    for i in 0..<n { maxValue = max(maxValue, x[i]) }
    for i in 0..<n { y[i] = x[i] - maxValue }
    return maxValue
}

/// y[n] = exp(x − max x) for one row; returns max x and Σ y (the row's softmax is y / sum, its
/// log-sum-exp is max + log sum).
package func exponentiateShifted(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> (max: Float, sum: Double) {
    let maxValue = shiftByMaximum(y, x, n)
    VectorMath.exp(y, y, count: n)
    return (maxValue, sumForward(y, n))
}

/// Logits up to this magnitude are shifted by `max + log Σ` in one subtraction; beyond it
/// that sum would round `log Σ` away (at 3·10³⁸ all of it: every token would get p = 1), so
/// larger rows subtract `max` and `log Σ` one after the other. Below the threshold the one
/// rounding of `max + log Σ` costs at most half an ulp of 1024 + ln V (6·10⁻⁵), and results
/// stay bit-identical to before: trained models' logits lie far below it.
package let logSoftmaxShiftLimit: Float = 1024

/// out[R, C] = inp − max − log Σ exp(inp − max) per row
package func logSoftmaxForward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ R: Int, _ C: Int) {
    for r in 0..<R {
        let x = inp + r &* C, y = out + r &* C
        let (maxValue, sum) = exponentiateShifted(y, x, C)
        let logSum = Float(Foundation.log(sum))
        if abs(maxValue) <= logSoftmaxShiftLimit {
            let shift = maxValue + logSum
            for i in 0..<C { y[i] = x[i] - shift }
        } else {
            for i in 0..<C { y[i] = (x[i] - maxValue) - logSum }
        }
    }
}

/// dinp[R, C] += dout − exp(out) · Σ_c dout
package func logSoftmaxBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ out: UnsafePointer<Float>, _ dout: UnsafePointer<Float>,
    _ R: Int, _ C: Int
) {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: max(C, 1))
    defer { p.deallocate() }
    for r in 0..<R {
        let dy = dout + r &* C, dx = dinp + r &* C
        VectorMath.exp(out + r &* C, p, count: C)
        var total: Float = 0
        for i in 0..<C { total += dy[i] }
        for i in 0..<C { dx[i] += dy[i] - p[i] * total }
    }
}
