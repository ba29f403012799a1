import MakemoreKit

/// What `sample` and `eval` load from `--load`: this project's checkpoint, or a bare state dict
/// read against the words of `--input` / `--split-dir`.
struct LoadedModel {
    /// The stage's name (`transformer`, `makemore-mlp`, …).
    let kind: String
    /// Steps trained, when the file records them (a bare state dict does not).
    let step: Int?
    let model: any LanguageModel
    let vocabulary: Vocabulary
    /// The words to evaluate on and tag samples against: the given ones, else the split the
    /// checkpoint records (which may no longer be readable).
    let split: () throws -> DatasetSplit

    /// Reads `path`; `input` and `splitDirectory` are the words given, `heads` the `--heads` given.
    init(path: String, input: String?, splitDirectory: String?, heads: Int?) throws {
        if input != nil && splitDirectory != nil { throw UsageError("give either --input or --split-dir, not both") }
        switch try ModelFile.read(path: path) {
        case .checkpoint(let checkpoint):
            kind = checkpoint.kind
            step = checkpoint.step
            model = try ModelRegistry.restore(checkpoint, source: path)
            vocabulary = checkpoint.vocabulary
            split = {
                if let splitDirectory { return try DatasetSplit(directory: splitDirectory) }
                if let input {
                    let d = DataOptions()
                    return try DatasetSplit(shuffling: WordList.load(path: input), seed: d.seed, valFraction: d.valFraction, testFraction: d.testFraction)
                }
                return try checkpoint.split.load()
            }
        case .stateDict(let file):
            let dataset = try StateDictImport.dataset(input: input, splitDirectory: splitDirectory, path: path)
            let imported = try StateDictImport.model(file, path: path, heads: heads, dataset: dataset)
            kind = type(of: imported.model).kind
            step = nil
            model = imported.model
            vocabulary = dataset.vocabulary
            split = { dataset.split }
        }
    }

    /// Learned numbers (for the count bigram: its V×V counts).
    var parameterCount: Int { (model as? any Module)?.parameterCount ?? vocabulary.size * vocabulary.size }
}
