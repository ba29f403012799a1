import MakemoreKit

extension LoadedModel {
    /// `--load`'s model for `sample` and `eval`, read against the words `--input` or
    /// `--split-dir` name (split as the stages split by default); `heads` is `--heads`. The
    /// head-count note of a bare transformer goes to stderr.
    init(path: String, input: String?, splitDirectory: String?, heads: Int?) throws {
        if input != nil && splitDirectory != nil { throw UsageError("give either --input or --split-dir, not both") }
        let words: (() throws -> DatasetSplit)? = if let splitDirectory {
            { try DatasetSplit(directory: splitDirectory) }
        } else if let input {
            {
                let d = DataOptions()
                return try DatasetSplit.load(input: input, seed: d.seed, valFraction: d.valFraction, testFraction: d.testFraction).split
            }
        } else {
            nil
        }
        try self.init(path: path, words: words, heads: heads)
        if let note { printError("makemore: note: \(note)") }
    }
}
