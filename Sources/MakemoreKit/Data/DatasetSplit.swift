import Foundation

/// Which part of the data a word belongs to.
public enum SplitName: String, CaseIterable, Sendable {
    case train, val, test

    /// This part's word list in a split directory: `train.txt`, `val.txt` or `test.txt`.
    package var fileName: String { "\(rawValue).txt" }

    /// The path of this part's word list in `directory`.
    package func path(in directory: String) -> String { (directory as NSString).appendingPathComponent(fileName) }
}

/// Words divided into train / validation / test, by word.
public struct DatasetSplit: Equatable, Sendable {
    /// Words the model is fitted on.
    public var train: [String]
    /// Held-out words for choosing hyperparameters and checkpoints.
    public var val: [String]
    /// Held-out words reported once at the end.
    public var test: [String]

    /// A split of the given parts, used as-is.
    public init(train: [String], val: [String], test: [String]) {
        self.train = train
        self.val = val
        self.test = test
    }

    /// The words of one part.
    public subscript(name: SplitName) -> [String] {
        switch name {
        case .train: train
        case .val: val
        case .test: test
        }
    }

    /// Shuffles `words` with `RandomGenerator(seed:)` (Fisher–Yates) and cuts the result in
    /// order: the first ⌊n·(1 − val − test)⌋ words train, the words up to ⌊n·(1 − test)⌋
    /// validate, the rest test (with 0.1 / 0.1 this is the lecture's 80 / 10 / 10 cut).
    /// A fraction may be 0; the fractions must leave train a positive share. `source`, the
    /// word list's name, starts the message of a split too small to train on.
    public init(shuffling words: [String], seed: UInt64, valFraction: Double, testFraction: Double, source: String? = nil) throws {
        guard (0..<1).contains(valFraction), (0..<1).contains(testFraction), valFraction + testFraction < 1 else {
            guard (0..<1).contains(valFraction) else { throw MakemoreError.invalidValue(name: "val_fraction", rule: "in [0, 1)", value: "\(valFraction)") }
            guard (0..<1).contains(testFraction) else { throw MakemoreError.invalidValue(name: "test_fraction", rule: "in [0, 1)", value: "\(testFraction)") }
            throw MakemoreError.invalidValue(name: "val_fraction + test_fraction", rule: "below 1", value: "\(valFraction + testFraction)")
        }
        var shuffled = words
        var generator = RandomGenerator(seed: seed)
        generator.shuffle(&shuffled)
        let n = Double(shuffled.count)
        let trainEnd = Int((n * (1 - valFraction - testFraction) + 1e-9).rounded(.down))
        let valEnd = max(trainEnd, Int((n * (1 - testFraction) + 1e-9).rounded(.down)))
        self.init(
            train: Array(shuffled[..<trainEnd]), val: Array(shuffled[trainEnd..<valEnd]),
            test: Array(shuffled[valEnd...]))
        guard !train.isEmpty else {
            let count = words.count == 1 ? "1 word leaves" : "\(words.count) words leave"
            let reason = "too few words to train on: \(count) the training split empty with val \(valFraction) and test \(testFraction)"
            throw source.map { MakemoreError.file(path: $0, reason: reason) } ?? MakemoreError.mismatch(reason)
        }
    }

    /// Reads `train.txt`, `val.txt` and `test.txt` (in `encoding`) from `directory`; val and
    /// test may be empty.
    public init(directory: String, encoding: TextEncoding = .utf8) throws {
        func part(_ name: SplitName) throws -> [String] {
            try WordList.load(path: name.path(in: directory), allowingEmpty: true, encoding: encoding)
        }
        self.init(train: try part(.train), val: try part(.val), test: try part(.test))
        guard !train.isEmpty else { throw MakemoreError.file(path: SplitName.train.path(in: directory), reason: "contains no words") }
    }

    /// The word list at `input` (`-`: standard input) read in `encoding`, its repeated words
    /// removed when `dedupe` says so (the first of each stays), shuffled with `seed` and cut;
    /// and how many repeats were removed.
    public static func load(input: String, encoding: TextEncoding = .utf8, dedupe: Bool = false, seed: UInt64,
                            valFraction: Double, testFraction: Double) throws -> (split: DatasetSplit, duplicatesRemoved: Int) {
        var words = try WordList.load(path: input, encoding: encoding)
        var removed = 0
        if dedupe { (words, removed) = WordList.deduplicated(words) }
        let split = try DatasetSplit(shuffling: words, seed: seed, valFraction: valFraction, testFraction: testFraction,
                                     source: WordList.displayName(input))
        return (split, removed)
    }

    /// How many val and test words (each occurrence) are also training words: the held-out
    /// words a model may simply have memorised.
    package var overlapWithTrain: (val: Int, test: Int) {
        let training = Set(train)
        return (val.count { training.contains($0) }, test.count { training.contains($0) })
    }

    /// The files words are read from: the split directory's three, else the word list `input`
    /// if any (the inputs an output must not replace).
    package static func files(input: String?, splitDirectory: String?) -> [String] {
        splitDirectory.map { directory in SplitName.allCases.map { $0.path(in: directory) } } ?? input.map { [$0] } ?? []
    }

    /// Every word of the three parts: the words the vocabulary is taken from.
    package var allWords: [String] { train + val + test }
}
