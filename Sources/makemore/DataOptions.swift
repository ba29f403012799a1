import Foundation
import CommandLineOptions
import MakemoreKit

/// `--input`, `--split-dir`, `--seed`, `--val-fraction`, `--test-fraction`, `--encoding`,
/// `--dedupe`: where the words come from and how they are split, as the library records a split.
struct DataOptions {
    /// The split asked for, its paths as given.
    var source = SplitRecord.defaults
    /// Whether `--input` or `--split-dir` was given (a loaded checkpoint's own split otherwise).
    var isExplicit = false

    static let options = SplitRecord.settings.options(SplitRecord.defaults)

    init() {}

    init(_ arguments: ParsedArguments) throws {
        source = try SplitRecord.settings.read(arguments, over: source)
        isExplicit = arguments.given("input") || source.directory != nil
        try source.validate()
    }

    /// Whether `--dedupe` was given.
    var dedupe: Bool { source.dedupe ?? false }

    /// The split asked for; with `--dedupe`, the count removed is said on stderr.
    func split() throws -> DatasetSplit {
        let (split, removed) = try source.loadCountingDuplicates()
        if dedupe { Self.noteDeduplicated(removed, of: source.input ?? "") }
        return split
    }

    /// Says on stderr how many repeated words `--dedupe` removed from `input`.
    static func noteDeduplicated(_ removed: Int, of input: String) {
        printError("makemore: --dedupe removed \(removed) repeated word\(removed == 1 ? "" : "s") of \(WordList.displayName(input))")
    }

    /// The files the words are read from.
    var files: [String] { source.files }

    /// A run of `configuration` on these words, which it splits when it needs them.
    func run(_ configuration: StageConfiguration) -> StageRun {
        var run = StageRun(configuration, words: split)
        (run.wordsGiven, run.source, run.seed) = (isExplicit, source, source.seed)
        return run
    }
}
