/// Where a sampled word already occurs: in no word list it was checked against (`new`, what a
/// language model is for) or in one part of the split (memorised, or a common name).
public enum SampleTag: Equatable, Sendable, CustomStringConvertible {
    /// In none of the parts checked.
    case new
    /// In this part of the split (the first of train, val, test that holds it).
    case seen(SplitName)

    /// `new`, `in train`, `in val` or `in test`.
    public var description: String {
        switch self {
        case .new: "new"
        case .seen(let part): "in \(part.rawValue)"
        }
    }
}

/// Tags sampled words by the part of a split they occur in; one set per part, built once.
package struct SampleTagger: Sendable {
    private let parts: [(name: SplitName, words: Set<String>)]

    /// Checks words against the parts of `split` named in `names` (all three by default), in
    /// train, val, test order.
    package init(split: DatasetSplit, checking names: [SplitName] = SplitName.allCases) {
        parts = SplitName.allCases.filter(names.contains).map { ($0, Set(split[$0])) }
    }

    /// The part that holds `word`, or `.new`.
    package func tag(_ word: String) -> SampleTag {
        parts.first { $0.words.contains(word) }.map { .seen($0.name) } ?? .new
    }
}
