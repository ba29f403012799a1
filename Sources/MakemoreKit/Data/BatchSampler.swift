/// How minibatches draw their rows from the training examples.
public enum BatchOrder: String, CaseIterable, Sendable {
    /// Independent uniform draws with replacement: makemore.py's
    /// `RandomSampler(replacement=True)` and the lectures' `torch.randint`.
    case replacement
    /// Every example once per pass, each pass in a fresh random order (PyTorch's
    /// `DataLoader(shuffle=True)`); a pass runs on across batch boundaries.
    case epochs
}

/// Draws the row indices of minibatches over `count` examples in the chosen `order`, from the
/// caller's generator so one seed fixes every batch.
package struct BatchSampler: Sendable {
    /// Rows to draw from.
    package let count: Int
    /// With replacement, or pass by pass.
    package let order: BatchOrder
    /// The current pass's order (`epochs` only).
    private(set) var permutation: [Int]
    /// Rows of the current pass already drawn.
    private(set) var drawn: Int

    /// A sampler over rows `0..<count` (at least one).
    package init(count: Int, order: BatchOrder = .replacement) {
        precondition(count > 0, "a batch sampler needs at least one example")
        self.count = count
        self.order = order
        permutation = order == .epochs ? Array(0..<count) : []
        drawn = count
    }

    /// The sampler at `drawn` rows into the pass `permutation` (of all `count` rows, for
    /// `epochs`; empty for `replacement`); nil for a position that is not one of this sampler's.
    func continuing(permutation: [Int], drawn: Int) -> BatchSampler? {
        guard (0...count).contains(drawn), permutation.count == self.permutation.count,
              Set(permutation) == Set(self.permutation) else { return nil }
        var sampler = self
        sampler.permutation = permutation
        sampler.drawn = drawn
        return sampler
    }

    /// The next row. With `epochs`, a pass starts by shuffling all rows.
    package mutating func next(using generator: inout RandomGenerator) -> Int {
        switch order {
        case .replacement:
            return generator.integer(below: count)
        case .epochs:
            if drawn == count {
                generator.shuffle(&permutation)
                drawn = 0
            }
            drawn += 1
            return permutation[drawn - 1]
        }
    }
}
