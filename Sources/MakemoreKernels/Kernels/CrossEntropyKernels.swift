import Foundation

// Fused softmax + negative log-likelihood. N = rows, V = vocabulary size.

/// probs[N, V] = softmax(logits) per row; returns (Σ over valid rows of −log probs[target],
/// number of valid rows). Rows whose target equals `ignoreIndex` are skipped (probs still set).
package func crossEntropyForward(
    _ probs: UnsafeMutablePointer<Float>, _ logits: UnsafePointer<Float>, _ targets: [Int32],
    _ N: Int, _ V: Int, ignoreIndex: Int32
) -> (lossSum: Double, validCount: Int) {
    // exponentiateShifted's steps, each over all the rows: the exponentials of the whole
    // batch in one pass, in whole vectors across the rows' ends (the same values, element by
    // element, as row by row, where each row of a small vocabulary ended in a partial vector).
    withUnsafeTemporaryAllocation(of: Float.self, capacity: N) { maxima in
        for r in 0..<N { maxima[r] = shiftByMaximum(probs + r &* V, logits + r &* V, V) }
        VectorMath.exp(probs, probs, count: N &* V)
        var lossSum = 0.0
        var valid = 0
        for r in 0..<N {
            let x = logits + r &* V, p = probs + r &* V
            let sum = sumForward(p, V)
            let scale = Float(1 / sum)
            for i in 0..<V { p[i] *= scale }
            let t = targets[r]
            if t == ignoreIndex { continue }
            precondition(t >= 0 && Int(t) < V, "target \(t) out of range 0..<\(V)")
            // −log softmax[t] = log Σ exp(x − max) − (x[t] − max)
            lossSum += Foundation.log(sum) - Double(x[Int(t)] - maxima[r])
            valid += 1
        }
        return (lossSum, valid)
    }
}

/// dlogits[N, V] (+)= dloss / validCount · (probs − onehot(target)) on valid rows, 0 on ignored
/// (= on the gradient's first contribution: ignored rows are then written as zeros)
package func crossEntropyBackward(
    _ dlogits: GradientTarget, _ probs: UnsafePointer<Float>, _ targets: [Int32],
    _ dloss: Float, _ N: Int, _ V: Int, ignoreIndex: Int32, validCount: Int
) {
    let scale = validCount > 0 ? dloss / Float(validCount) : 0
    for r in 0..<N {
        let t = targets[r]
        let p = probs + r &* V, dx = dlogits.pointer + r &* V
        if t == ignoreIndex || validCount == 0 {
            if !dlogits.accumulate { dx.update(repeating: 0, count: V) }
            continue
        }
        if dlogits.accumulate {
            for i in 0..<V { dx[i] += scale * p[i] }
        } else {
            for i in 0..<V { dx[i] = scale * p[i] }
        }
        dx[Int(t)] -= scale
    }
}
