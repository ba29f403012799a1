/// Everything a stage trains and evaluates on: the split words, the vocabulary built from all
/// the words (makemore.py's rule: a small list whose held-out words use a letter the training
/// words lack still works), and each split encoded as tokens.
public struct Dataset: Sendable {
    /// The words of each split.
    public let split: DatasetSplit
    /// The tokenizer, built from the words of every split.
    public let vocabulary: Vocabulary
    /// Each split as token sequences (no boundaries), in split order.
    public let train: [[Int32]], val: [[Int32]], test: [[Int32]]

    /// Encodes `split` with `vocabulary` (by default, that of all its words); throws if a word
    /// has a character a given vocabulary lacks.
    public init(split: DatasetSplit, vocabulary: Vocabulary? = nil) throws {
        self.split = split
        let vocabulary = vocabulary ?? Vocabulary(words: split.allWords)
        self.vocabulary = vocabulary
        func encode(_ name: SplitName) throws -> [[Int32]] {
            try split[name].map { try vocabulary.encode($0, context: "\(name.rawValue) word") }
        }
        train = try encode(.train)
        val = try encode(.val)
        test = try encode(.test)
    }

    /// The encoded words of one split.
    public subscript(name: SplitName) -> [[Int32]] {
        switch name {
        case .train: train
        case .val: val
        case .test: test
        }
    }

    /// The longest word of any split, in tokens (sequence models need a block of this + 1).
    public var longestWord: Int { (train + val + test).map(\.count).max() ?? 0 }
}
