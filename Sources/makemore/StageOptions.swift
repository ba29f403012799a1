import Foundation
import CommandLineOptions
import MakemoreKit

/// `--input`, `--split-dir`, `--seed`, `--val-fraction`, `--test-fraction`, `--encoding`,
/// `--dedupe`: where the words come from and how they are split, as the library records a split.
struct DataOptions {
    /// The split asked for, its paths as given.
    var source = SplitRecord(input: "names.txt", directory: nil, seed: 42, valFraction: 0.1, testFraction: 0.1)
    /// Whether `--input` or `--split-dir` was given (a loaded checkpoint's own split otherwise).
    var isExplicit = false

    static let options: [Option] = {
        let d = DataOptions().source
        return [
            Option("input", value: "FILE", default: d.input, "word list, one word per line (a file, a pipe, or - for standard input)"),
            Option("encoding", value: "NAME", default: TextEncoding.utf8.rawValue,
                   TextEncoding.allCases.map(\.rawValue).joined(separator: " | ") + " (a UTF-16 byte-order mark is always recognised)"),
            Option(flag: "dedupe", "remove repeated words before the split (the first of each stays; the count removed is said on stderr)"),
            Option("split-dir", value: "DIR", key: "split_directory", "use DIR/train.txt, val.txt, test.txt as the split instead of --input"),
            Option("seed", value: "N", default: String(d.seed), "seed for the split, initialisation, batches and sampling"),
            Option("val-fraction", value: "F", default: String(d.valFraction), "share of words held out for validation"),
            Option("test-fraction", value: "F", default: String(d.testFraction), "share of words held out for test"),
        ]
    }()

    init() {}

    init(_ arguments: ParsedArguments) throws {
        let d = source, directory = arguments.string("split-dir")
        source = SplitRecord(input: arguments.string("input") ?? (directory == nil ? d.input : nil), directory: directory,
                             seed: try arguments.seed("seed") ?? d.seed, valFraction: try arguments.double("val-fraction", in: 0...1) ?? d.valFraction,
                             testFraction: try arguments.double("test-fraction", in: 0...1) ?? d.testFraction,
                             encoding: try arguments.choice("encoding", TextEncoding.self) ?? .utf8, dedupe: arguments.flag("dedupe"))
        isExplicit = arguments.given("input") || directory != nil
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
