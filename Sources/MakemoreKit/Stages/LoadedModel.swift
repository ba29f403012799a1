/// A model read from any file `--load`, `sample` and `eval` accept: this project's checkpoint,
/// or a bare state dict (makemore.py's `model.pt`, a safetensors export without this project's
/// metadata) read against given words, which supply the vocabulary such files do not store.
public struct LoadedModel {
    /// The stage's name (`transformer`, `makemore-mlp`, …).
    public let kind: String
    /// Steps trained, when the file records them (a bare state dict does not).
    public let step: Int?
    public let model: any LanguageModel
    public let vocabulary: Vocabulary
    /// The words to evaluate on and tag samples against: the given ones, else the split the
    /// checkpoint records (which may no longer be readable).
    package let split: () throws -> DatasetSplit
    /// For a bare transformer: its head count and where the count came from, one sentence.
    package let note: String?
    /// The word files a checkpoint records its split was read from (none for a bare state
    /// dict): inputs an output must not replace, whether or not other words are given.
    package let recordedInputs: [String]

    /// Reads `path`. `words` gives the words the user named, if any; `heads` is the head count
    /// to assume for a transformer whose file does not record it.
    public init(path: String, words: (() throws -> DatasetSplit)?, heads: Int?) throws {
        switch try ModelFile.read(path: path) {
        case .checkpoint(let checkpoint):
            kind = checkpoint.kind
            step = checkpoint.step
            let restored = try StageRegistry.restoreModel(checkpoint, source: path)
            // A window network is evaluated as its stage evaluates it, BatchNorm folded into the
            // Linear before it, so the file scores exactly as the run that saved it reported.
            if let network = restored as? any WindowNetwork { model = network.foldingBatchNorm() } else { model = restored }
            vocabulary = checkpoint.vocabulary
            split = { try checkpoint.loadWords(given: words?(), path: path) }
            note = nil
            recordedInputs = checkpoint.split.files
        case .stateDict(let file):
            guard let words else {
                throw MakemoreError.file(path: path, reason: "a bare state dict holds no vocabulary: give the words it models with --input FILE or --split-dir DIR")
            }
            let dataset = try Dataset(split: words())
            let imported = try ImportedModel(stateDict: file, heads: heads, dataset: dataset, source: path)
            kind = type(of: imported.model).kind
            step = nil
            model = imported.model
            vocabulary = dataset.vocabulary
            split = { dataset.split }
            note = imported.headsNote(path: path)
            recordedInputs = []
        }
    }

    /// Learned numbers (for the count bigram: its V×V counts).
    public var parameterCount: Int {
        (model as? Ensemble)?.parameterCount ?? (model as? any Module)?.parameterCount ?? vocabulary.size * vocabulary.size
    }
}

extension ImportedModel {
    /// Rebuilds the model of the bare state dict `file`: the first registered stage whose
    /// `StateDictFormat` recognises the keys rebuilds it. `heads` is used for a transformer when
    /// the file has no `n_head` metadata (else makemore.py's 4); `blockSize` is the sequence
    /// length of a recurrent model, or of a transformer with sinusoidal positions, whose weights
    /// do not fix one (the data's longest word + 1).
    /// Throws a one-line error naming `source` for an unknown key set, a missing, unexpected or
    /// misshapen tensor, a buffer that is not the causal mask, or a non-finite weight.
    public init(stateDict file: SafetensorsFile, heads: Int? = nil, blockSize: Int? = nil, source: String) throws {
        guard let format = StageRegistry.definitions.lazy.compactMap(\.stateDict).first(where: { $0.recognises(file) }) else {
            let keys = file.tensors.prefix(4).map { SafetensorsFile.quoted($0.name) }.joined(separator: ", ")
            throw MakemoreError.file(path: source, reason: "not the state dict of a makemore.py model (keys \(keys)\(file.tensors.count > 4 ? ", …" : ""))")
        }
        self = try format.rebuild(StateDictReader(file: file, source: source, givenHeads: heads, callerBlockSize: blockSize))
    }

    /// The model of `file` for `dataset`'s words (a recurrent model's block from the longest
    /// word); the vocabulary sizes must agree.
    public init(stateDict file: SafetensorsFile, heads: Int?, dataset: Dataset, source: String) throws {
        try self.init(stateDict: file, heads: heads, blockSize: dataset.longestWord + 1, source: source)
        guard model.vocabularySize == dataset.vocabulary.size else {
            throw MakemoreError.file(path: source, reason: "the weights have \(model.vocabularySize) tokens, the vocabulary of the given words has \(dataset.vocabulary.size)")
        }
    }

    /// For a transformer: how many heads it was built with and where that count came from, and
    /// whether its positions were read as sinusoidal.
    package func headsNote(path: String) -> String? {
        guard let heads else { return nil }
        let origin = switch heads.source {
        case .metadata: "the file's n_head"
        case .caller: "--heads"
        case .makemoreDefault: "makemore.py's default; give --heads N for another count"
        }
        let positions = sinusoidalPositions ? ", sinusoidal positions (no transformer.wpe.weight)" : ""
        return "\(path): \(heads.count) attention heads (\(origin))\(positions)"
    }
}

extension Stage {
    /// A stage of kind `expected` from any model file: this project's checkpoint (on `words`
    /// when `wordsGiven`, else on the split it records) or a bare state dict (on `words`, with
    /// makemore.py's vocabulary rule). `settings` supplies what a checkpoint does not store;
    /// the note is `LoadedModel.note`'s.
    package static func load(modelFile path: String, expecting expected: StageKind, words: () throws -> DatasetSplit, wordsGiven: Bool,
                            seed: UInt64, settings: StageConfiguration, heads: Int?, source: SplitRecord?) throws -> (stage: Stage, note: String?) {
        switch try ModelFile.read(path: path) {
        case .checkpoint(let checkpoint):
            let stage = try Stage(checkpoint: checkpoint, path: path, split: wordsGiven ? words() : nil, seed: seed,
                                  expecting: expected, settings: settings)
            return (stage, nil)
        case .stateDict(let file):
            let dataset = try Dataset(split: words())
            let imported = try ImportedModel(stateDict: file, heads: heads, dataset: dataset, source: path)
            let kind = type(of: imported.model).kind
            guard kind == expected.rawValue else { throw MakemoreError.file(path: path, reason: "holds a '\(kind)' state dict, not '\(expected.rawValue)'") }
            return (try Stage(importing: imported, path: path, dataset: dataset, seed: seed, source: source), imported.headsNote(path: path))
        }
    }
}

extension SamplingOptions {
    /// Throws unless the prefix leaves `model` room for one more token: a sequence model's
    /// block, or the sampled-length cap of a window model.
    package func checkPrefix(for model: any LanguageModel) throws {
        if let limit = model.maximumWordLength, prefix.count >= limit {
            throw MakemoreError.invalidValue(name: "prefix", rule: "at most \(limit - 1) characters to fit block size \(limit + 1)", value: "\(prefix.count) characters")
        }
        if model.maximumWordLength == nil, prefix.count >= maximumLength {
            throw MakemoreError.invalidValue(name: "prefix", rule: "at most \(maximumLength - 1) characters (sampled words are at most twice the longest word, at least 16)", value: "\(prefix.count) characters")
        }
    }
}
