/// A batch of packed sequences reordered time step by time step, longest sequence first (what
/// PyTorch's `pack_padded_sequence` builds): the rows of step 0 of every sequence, then the rows
/// of step 1 of every sequence still running, and so on. A recurrence walks the steps in order;
/// each step is one contiguous block of rows, and because sequences are sorted by length the
/// sequences running at step t are the first `batchSizes[t]` of those running at step t − 1, in
/// the same order. So row i of step t continues row i of step t − 1, and no work is spent on
/// padding.
package struct TimeMajorLayout: Sendable, Equatable {
    /// Time-major row r is row `order[r]` of the packed batch: (rows).
    package let order: [Int32]
    /// Packed row p is time-major row `inverse[p]`: (rows).
    package let inverse: [Int32]
    /// Sequences running at each step, non-increasing: (longest).
    package let batchSizes: [Int]
    /// Step t owns time-major rows `offsets[t] ..< offsets[t] + batchSizes[t]`: (longest + 1).
    package let offsets: [Int]

    /// Total rows.
    package var rows: Int { order.count }
    /// Time steps: the longest sequence.
    package var steps: Int { batchSizes.count }

    /// The layout of `batch`; ties in length keep the batch's order.
    package init(_ batch: PackedSequences) {
        let lengths = (0..<batch.count).map { batch.starts[$0 + 1] - batch.starts[$0] }
        let sorted = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        var order: [Int32] = [], batchSizes: [Int] = [], offsets = [0]
        order.reserveCapacity(batch.rows)
        for t in 0..<(lengths.max() ?? 0) {
            var running = 0
            for s in sorted {
                guard lengths[s] > t else { break }
                order.append(Int32(batch.starts[s] + t))
                running += 1
            }
            batchSizes.append(running)
            offsets.append(order.count)
        }
        var inverse = [Int32](repeating: 0, count: order.count)
        for (r, p) in order.enumerated() { inverse[Int(p)] = Int32(r) }
        self.order = order
        self.inverse = inverse
        self.batchSizes = batchSizes
        self.offsets = offsets
    }
}
