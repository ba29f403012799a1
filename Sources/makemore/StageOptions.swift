import Foundation
import MakemoreKit

/// `--input`, `--split-dir`, `--seed`, `--val-fraction`, `--test-fraction`: where the words come
/// from and how they are split.
struct DataOptions {
    var input = "names.txt"
    var splitDirectory: String?
    var seed: UInt64 = 42
    var valFraction = 0.1
    var testFraction = 0.1
    var encoding = TextEncoding.utf8
    /// `--dedupe`: repeated words removed before the split.
    var dedupe = false
    /// Whether `--input` or `--split-dir` was given (a loaded checkpoint's own split otherwise).
    var isExplicit = false

    static let options: [Option] = {
        let d = DataOptions()
        return [
            Option("input", value: "FILE", default: d.input, "word list, one word per line (a file, a pipe, or - for standard input)"),
            Option("encoding", value: "NAME", default: d.encoding.rawValue,
                   TextEncoding.allCases.map(\.rawValue).joined(separator: " | ") + " (a UTF-16 byte-order mark is always recognised)"),
            Option(flag: "dedupe", "remove repeated words before the split (the first of each stays; the count removed is said on stderr)"),
            Option("split-dir", value: "DIR", "use DIR/train.txt, val.txt, test.txt as the split instead of --input"),
            Option("seed", value: "N", default: String(d.seed), "seed for the split, initialisation, batches and sampling"),
            Option("val-fraction", value: "F", default: String(d.valFraction), "share of words held out for validation"),
            Option("test-fraction", value: "F", default: String(d.testFraction), "share of words held out for test"),
        ]
    }()

    init() {}

    init(_ arguments: ParsedArguments) throws {
        input = arguments.string("input") ?? input
        splitDirectory = arguments.string("split-dir")
        seed = try arguments.seed("seed") ?? seed
        valFraction = try arguments.double("val-fraction", in: 0...1) ?? valFraction
        testFraction = try arguments.double("test-fraction", in: 0...1) ?? testFraction
        encoding = try arguments.choice("encoding", TextEncoding.self) ?? encoding
        dedupe = arguments.flag("dedupe")
        isExplicit = arguments.given("input") || splitDirectory != nil
        guard valFraction + testFraction < 1 else {
            throw UsageError("--val-fraction + --test-fraction must be below 1 (got \(valFraction + testFraction))")
        }
        if splitDirectory != nil && arguments.given("input") { throw UsageError("give either --input or --split-dir, not both") }
        if splitDirectory != nil && dedupe { throw UsageError("--dedupe applies to --input, not to a --split-dir used as-is") }
    }

    /// The split asked for: `--split-dir` as-is, or `--input` (deduplicated) shuffled and cut;
    /// and how many repeated words `--dedupe` removed.
    func load() throws -> (split: DatasetSplit, duplicatesRemoved: Int) {
        if let splitDirectory { return (try DatasetSplit(directory: splitDirectory, encoding: encoding), 0) }
        return try DatasetSplit.load(input: input, encoding: encoding, dedupe: dedupe, seed: seed, valFraction: valFraction, testFraction: testFraction)
    }

    /// The split asked for; with `--dedupe`, the count removed is said on stderr.
    func split() throws -> DatasetSplit {
        let (split, removed) = try load()
        if dedupe { Self.noteDeduplicated(removed, of: input) }
        return split
    }

    /// Says on stderr how many repeated words `--dedupe` removed from `input`.
    static func noteDeduplicated(_ removed: Int, of input: String) {
        printError("makemore: --dedupe removed \(removed) repeated word\(removed == 1 ? "" : "s") of \(WordList.displayName(input))")
    }

    /// The files the words are read from.
    var files: [String] { DatasetSplit.files(input: input, splitDirectory: splitDirectory) }

    /// How the split was made, for checkpoints (paths made absolute).
    var record: SplitRecord {
        SplitRecord(reading: input, splitDirectory: splitDirectory, seed: seed, valFraction: valFraction, testFraction: testFraction,
                    encoding: encoding, dedupe: dedupe)
    }
}

/// `--samples`, `--save`, `--load`, `--json`: what a stage command loads, writes and prints.
struct OutputOptions {
    var samples = 10
    var save: String?
    var load: String?
    var json = false
    /// `--plot-embedding`, on the stages whose model has a character embedding.
    var plotEmbedding: String?

    /// The option of the stages with a character embedding.
    static let embeddingOptions: [Option] = [
        Option("plot-embedding", value: "FILE.svg", "draw the character embedding: first two dimensions, or principal components when wider"),
    ]

    static let options: [Option] = [
        Option("samples", value: "N", default: String(OutputOptions().samples), "names to sample after fitting"),
        Option("save", value: "FILE", "write the trained model as a safetensors checkpoint"),
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
