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
