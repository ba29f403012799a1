import MakemoreKit

/// Bare state dicts on the command line (makemore.py's `model.pt`, a safetensors export without
/// this project's metadata): they hold no vocabulary, so the words come from `--input` or
/// `--split-dir`, with makemore.py's rule (the sorted distinct characters of all the words).
enum StateDictImport {
    /// The data of a bare state dict: `--split-dir` as-is or `--input` split as the stages split
    /// it by default (seed 42, 10 % val, 10 % test), under makemore.py's vocabulary rule.
    static func dataset(input: String?, splitDirectory: String?, path: String) throws -> Dataset {
        let split: DatasetSplit
        if let splitDirectory {
            split = try DatasetSplit(directory: splitDirectory)
        } else if let input {
            let d = DataOptions()
            split = try DatasetSplit(shuffling: WordList.load(path: input), seed: d.seed, valFraction: d.valFraction, testFraction: d.testFraction)
        } else {
            throw MakemoreError("\(path): a bare state dict holds no vocabulary: give the words it models with --input FILE or --split-dir DIR")
        }
        return try dataset(split)
    }

    /// `split` tokenised as makemore.py does: the vocabulary of all its words.
    static func dataset(_ split: DatasetSplit) throws -> Dataset {
        try Dataset(split: split, vocabulary: Vocabulary(words: split.train + split.val + split.test))
    }

    /// The model of `file` for `dataset` (an RNN's or GRU's block from its longest word), the
    /// transformer's head count and its origin noted on stderr; the vocabulary sizes must agree.
    static func model(_ file: SafetensorsFile, path: String, heads: Int?, dataset: Dataset) throws -> ImportedModel {
        let imported = try ImportedModel(stateDict: file, heads: heads, blockSize: dataset.longestWord + 1, source: path)
        if let heads = imported.heads {
            let origin = switch heads.source {
            case .metadata: "the file's n_head"
            case .caller: "--heads"
            case .makemoreDefault: "makemore.py's default; give --heads N for another count"
            }
            printError("makemore: note: \(path): \(heads.count) attention heads (\(origin))")
        }
        guard imported.model.vocabularySize == dataset.vocabulary.size else {
            throw MakemoreError("\(path): the weights have \(imported.model.vocabularySize) tokens, the vocabulary of the given words has \(dataset.vocabulary.size)")
        }
        return imported
    }
}

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
