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
}

/// `--samples`, `--save`, `--load`, `--json`: what a stage command loads, writes and prints.
struct OutputOptions {
    var samples = 10
    var save: String?
    var load: String?
    var json = false
    /// `--plot-embedding`, on the stages whose model has a character embedding.
    var plotEmbedding: String?
    /// `--plot`, the count bigram's heatmap.
    var plotCounts: String?

    /// The option of the stages with a character embedding.
    static let embeddingOptions: [Option] = [
        Option("plot-embedding", value: "FILE.svg", key: "embedding_plot", "draw the character embedding: first two dimensions, or principal components when wider"),
    ]

    static let options: [Option] = [
        Option("samples", value: "N", default: String(OutputOptions().samples), "names to sample after fitting"),
        Option("save", value: "FILE", key: "checkpoint", "write the trained model as a safetensors checkpoint"),
        Option("load", value: "FILE", "load a checkpoint instead of training (its split, unless --input/--split-dir is given)"),
        Option(flag: "json", "print one JSON object with the results instead of text"),
    ]

    init() {}

    init(_ arguments: ParsedArguments) throws {
        samples = try arguments.int("samples", in: StageRun.Limits.samples.range) ?? samples
        save = arguments.string("save")
        load = arguments.string("load")
        json = arguments.flag("json")
        plotEmbedding = arguments.string("plot-embedding")
    }
}

/// The options every stage shares.
enum StageOptions {
    static let common = DataOptions.options + OutputOptions.options
}
