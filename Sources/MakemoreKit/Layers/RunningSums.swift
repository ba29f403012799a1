/// Per slot, the sum of the rows a sequence has fed through a causal mean so far.
package final class RunningSums {
    private var sums: [Float]
    private let channels: Int

    /// Zero sums of `channels` numbers for `capacity` slots.
    init(capacity: Int, channels: Int) {
        sums = Array(repeating: 0, count: capacity * channels)
        self.channels = channels
    }

    /// Row i of x (R, C) added to its slot's sum, then x_i + sum / (position + 1): the row plus
    /// the mean of its sequence up to itself. (R, C), without a graph.
    func adding(_ x: Tensor, slots: [Int], positions: [Int]) -> Tensor {
        let values = x.values, c = channels
        var out = values
        for (i, (slot, position)) in zip(slots, positions).enumerated() {
            if position == 0 { for j in 0..<c { sums[slot * c + j] = 0 } }
            for j in 0..<c {
                sums[slot * c + j] += values[i * c + j]
                out[i * c + j] = values[i * c + j] + sums[slot * c + j] / Float(position + 1)
            }
        }
        return Tensor(shape: x.shape, values: out)
    }
}
