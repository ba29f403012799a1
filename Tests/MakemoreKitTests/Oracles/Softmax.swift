import Foundation
@testable import MakemoreKit

extension Tensor {
    /// `out = exp(x − max) / Σ exp(x − max)` per last-axis row, in Double: the attention
    /// probabilities of reference compositions. With `causal`, the last two axes are [T, T]
    /// scores and row t keeps only columns 0...t (the rest are exactly 0).
    /// Backward: ∂x += out·(∂out − Σ_row ∂out·out).
    func softmax(causal: Bool = false) -> Tensor {
        let columns = shape.last ?? 1
        if causal {
            precondition(shape.count >= 2 && shape[shape.count - 2] == columns, "causal softmax needs [..., T, T], got \(shape)")
        }
        let x = values
        var y = [Float](repeating: 0, count: count)
        for r in 0..<(count / max(columns, 1)) {
            let kept = causal ? r % columns + 1 : columns, row = r * columns
            let top = x[row..<row + kept].max()!
            let e = x[row..<row + kept].map { Foundation.exp(Double($0 - top)) }
            let total = e.reduce(0, +)
            for (j, v) in e.enumerated() { y[row + j] = Float(v / total) }
        }
        let out = Tensor(shape: shape, values: y)
        out.record(inputs: [self]) { [self] out in
            let g = out.gradValues!
            var dx = [Float](repeating: 0, count: count)
            for r in 0..<(count / max(columns, 1)) {
                let row = r * columns
                let d = (row..<row + columns).reduce(Float(0)) { $0 + g[$1] * y[$1] }
                for i in row..<row + columns { dx[i] = y[i] * (g[i] - d) }
            }
            accumulateGrad(dx)
        }
        return out
    }
}
