extension Tensor {
    /// Copies row i of `rows` (R, W) into row `destinations[i]` of this tensor seen as
    /// (count / W, W), in place and outside any graph: how a key/value cache takes new positions.
    func setRows(_ rows: Tensor, at destinations: [Int]) {
        let width = rows.shape.last ?? 0
        precondition(rows.count == destinations.count * width && destinations.allSatisfy { ($0 + 1) * width <= count },
                     "cannot place \(rows.shape) rows at \(destinations) of \(shape)")
        for (i, row) in destinations.enumerated() { (data + row * width).update(from: rows.data + i * width, count: width) }
    }
}
