// makemore.py's CausalBoW plus its residual, over packed sequences. N = rows, C = channels;
// sequence s owns rows starts[s] ..< starts[s + 1], and its row t (from 0) averages rows 0…t.

/// out[N, C] = x + (1 / (t + 1)) · Σ_{u ≤ t} x_u within each sequence
package func causalBagOfWordsForward(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ starts: [Int], _ C: Int
) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: C) { sum in
        for s in 0..<(starts.count - 1) {
            sum.initialize(repeating: 0)
            for (t, row) in (starts[s]..<starts[s + 1]).enumerated() {
                let xi = x + row &* C, yi = out + row &* C, scale = 1 / Float(t + 1)
                for c in 0..<C {
                    sum[c] += xi[c]
                    yi[c] = xi[c] + sum[c] * scale
                }
            }
        }
    }
}

/// dx[N, C] += dout + Σ_{u ≥ t} dout_u / (u + 1) within each sequence
package func causalBagOfWordsBackward(
    _ dx: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ starts: [Int], _ C: Int
) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: C) { sum in
        for s in 0..<(starts.count - 1) {
            sum.initialize(repeating: 0)
            for row in (starts[s]..<starts[s + 1]).reversed() {
                let gi = dout + row &* C, di = dx + row &* C, scale = 1 / Float(row - starts[s] + 1)
                for c in 0..<C {
                    sum[c] += gi[c] * scale
                    di[c] += gi[c] + sum[c]
                }
            }
        }
    }
}
