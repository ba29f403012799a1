/// The total NLLs of a reference set of words (the training split), for placing one word among
/// them.
package struct NLLDistribution: Sendable {
    /// The reference words' total NLLs, ascending.
    package let sortedTotals: [Double]

    /// The distribution of `scores`' total NLLs.
    package init(_ scores: [WordScore]) {
        sortedTotals = scores.map(\.totalNLL).sorted()
    }

    /// The share of reference words, in percent, with a lower total NLL than `totalNLL` (ties
    /// count half): 10 means only a tenth of the training words are more likely than this word.
    package func percentile(of totalNLL: Double) -> Double {
        guard !sortedTotals.isEmpty else { return .nan }
        let below = partition { $0 < totalNLL }, notAbove = partition { $0 <= totalNLL }
        return 100 * (Double(below) + Double(notAbove - below) / 2) / Double(sortedTotals.count)
    }

    /// The number of leading totals for which `isBefore` holds (it must hold on a prefix).
    private func partition(_ isBefore: (Double) -> Bool) -> Int {
        var low = 0, high = sortedTotals.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(sortedTotals[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
