import Foundation
import CommandLineOptions
import MakemoreKit

/// `--load FILE` (repeatable), `--ensemble` and `--weights`, shared by `eval`, `sample` and
/// `score`: one model file, or several combined into an `Ensemble`; and `--encoding` and
/// `--dedupe`, how those commands read the `--input` the files are read against.
struct ModelSelection {
    var loads: [String]
    /// nil: one file as itself (several: a mixture, except for `score`, which shows them side by side).
    var combination: Ensemble.Combination?
    var weights: [Double]?
    /// `--encoding`, when given.
    var encoding: TextEncoding?
    /// `--dedupe`: `--input`'s repeated words removed before the split, as the stages do.
    var dedupe = false
    /// `--input`, `--split-dir`: the words the files are read against; `--heads`: a bare
    /// transformer's heads (each command declares these options with its own help).
    var input, splitDirectory: String?
    var heads: Int?

    static let options: [Option] = [
        Option("ensemble", value: "KIND", "combine the --load files: mixture or product of their next-character distributions (default with several --load: mixture)"),
        Option("weights", value: "W1,W2,…", "the ensemble's weights in --load order, ≥ 0, divided by their sum (default: fitted on the val split)"),
        Option("encoding", value: "NAME", default: TextEncoding.utf8.rawValue,
               "of --input or --split-dir: " + TextEncoding.allCases.map(\.rawValue).joined(separator: " | ") + " (a UTF-16 byte-order mark is always recognised)"),
        Option(flag: "dedupe", "remove --input's repeated words before the split, as the stage given --dedupe did (the count removed is said on stderr)"),
    ]

    init(_ arguments: ParsedArguments, several: Ensemble.Combination? = .mixture) throws {
        loads = arguments.strings("load")
        guard !loads.isEmpty else { throw UsageError("missing --load FILE") }
        combination = try arguments.choice("ensemble", Ensemble.Combination.self)
        if let text = arguments.string("weights") {
            let weights = text.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard weights.count == loads.count, weights.count == text.split(separator: ",", omittingEmptySubsequences: false).count, weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
                throw UsageError("--weights needs \(loads.count) comma-separated numbers ≥ 0, not all 0 (one per --load), got '\(text)'")
            }
            self.weights = weights
        }
        if combination == nil && (weights != nil || loads.count > 1) { combination = several }
        encoding = try arguments.choice("encoding", TextEncoding.self)
        dedupe = arguments.flag("dedupe")
        (input, splitDirectory, heads) = (arguments.string("input"), arguments.string("split-dir"), try arguments.int("heads"))
    }

    /// The `--load` files, read against the words `--input` or `--split-dir` name (each
    /// checkpoint's recorded split when neither is given), combined when an ensemble is asked
    /// for; their notes go to stderr.
    func files() throws -> ModelFiles {
        try ModelFiles(paths: loads, input: input, splitDirectory: splitDirectory, encoding: encoding, dedupe: dedupe, heads: heads, combination: combination,
                       weights: weights, onDeduplicated: { [input] in DataOptions.noteDeduplicated($0, of: input ?? "") }) { printError("makemore: note: \($0)") }
    }
}
