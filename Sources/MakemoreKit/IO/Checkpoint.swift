import Foundation

/// Where a model's split came from, so a checkpoint alone can rebuild it.
public struct SplitRecord: Codable, Equatable, Sendable {
    /// The word list that was shuffled and cut, or nil when `directory` was used.
    public var input: String?
    /// The split directory used as-is (`--split-dir`), or nil.
    public var directory: String?
    public var seed: UInt64
    public var valFraction: Double
    public var testFraction: Double
    /// The word list's encoding (nil: UTF-8; older checkpoints record none).
    public var encoding: TextEncoding?
    /// Whether repeated words were removed before the split (nil: no).
    public var dedupe: Bool?

    enum CodingKeys: String, CodingKey {
        case input, directory, seed, encoding, dedupe
        case valFraction = "val_fraction"
        case testFraction = "test_fraction"
    }

    /// A record of a split of `input` or of `directory`.
    package init(input: String?, directory: String?, seed: UInt64, valFraction: Double, testFraction: Double,
                encoding: TextEncoding = .utf8, dedupe: Bool = false) {
        self.input = input
        self.directory = directory
        self.seed = seed
        self.valFraction = valFraction
        self.testFraction = testFraction
        self.encoding = encoding == .utf8 ? nil : encoding
        self.dedupe = dedupe ? true : nil
    }

    /// Throws `MakemoreError.conflict` for a split that cannot be made as asked: fractions that
    /// leave no training words, both a word list and a split directory, or repeated words to be
    /// removed from a split directory (used as-is).
    package func validate() throws {
        guard valFraction + testFraction < 1 else { throw MakemoreError.conflict(.noTrainingWords(valFraction: valFraction, testFraction: testFraction)) }
        if input != nil && directory != nil { throw MakemoreError.conflict(.both("input", "split_directory")) }
        if directory != nil && dedupe == true { throw MakemoreError.conflict(.dedupeOfDirectory) }
    }

    /// This record as a checkpoint keeps it: the split directory, else the word list, its path
    /// made absolute (a checkpoint is read from anywhere); standard input (`-`), which cannot be
    /// read again, is recorded as no word list.
    package var absolute: SplitRecord {
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path }
        var record = self
        record.input = directory == nil ? input.flatMap { $0 == WordList.standardInput ? nil : absolute($0) } : nil
        record.directory = directory.map(absolute)
        return record
    }

    /// The files the recorded split is read from (none for words from standard input): inputs
    /// an output must not replace.
    package var files: [String] { DatasetSplit.files(input: input, splitDirectory: directory) }

    /// The split again, read from the recorded file or directory.
    public func load() throws -> DatasetSplit { try loadCountingDuplicates().split }

    /// The split again, and how many repeated words `dedupe` removed from the word list.
    package func loadCountingDuplicates() throws -> (split: DatasetSplit, duplicatesRemoved: Int) {
        if let directory { return (try DatasetSplit(directory: directory, encoding: encoding ?? .utf8), 0) }
        guard let input else { throw MakemoreError.mismatch("the checkpoint records no input file or split directory") }
        return try DatasetSplit.load(input: input, encoding: encoding ?? .utf8, dedupe: dedupe ?? false, seed: seed,
                                     valFraction: valFraction, testFraction: testFraction)
    }
}

/// A trained model on disk: a safetensors file whose tensors are the model's state dict
/// (PyTorch key names and layouts) and whose `__metadata__` holds everything else needed to
/// sample and evaluate — `format`, `model` (the stage), `config` (hyperparameters, JSON),
/// `vocabulary` (the characters in index order after the boundary, JSON), `split` (JSON),
/// `step` (steps trained) and `val_loss` when known; `words` (JSON: the train, val and test
/// words) when the split records no file to read them from again. A run that stopped early also stores its
/// `TrainingState` (see `TrainingStateEncoding`) under `training_state.` keys, which the model
/// and PyTorch's `load_state_dict` do not need.
package struct Checkpoint: Sendable {
    /// The value of the `format` metadata key.
    package static let format = "makemore-swift/1"

    package var kind: String
    /// The model's configuration as JSON text.
    package var configuration: String
    package var vocabulary: Vocabulary
    package var split: SplitRecord
    package var step: Int
    package var valLoss: Double?
    /// The model's tensors, by state-dict key.
    package var tensors: [SafetensorsFile.Tensor]
    /// Where an unfinished run stopped, if the checkpoint records it.
    package var trainingState: TrainingState?
    /// The words themselves, for a model whose `split` names no file or directory (a program's
    /// own word list): loading it then needs nothing else.
    package var words: DatasetSplit?

    /// The checkpoint of `model`.
    package init<M: CheckpointableModel>(model: M, vocabulary: Vocabulary, split: SplitRecord, step: Int, valLoss: Double?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        kind = M.kind
        configuration = String(decoding: try encoder.encode(model.configuration), as: UTF8.self)
        self.vocabulary = vocabulary
        self.split = split
        self.step = step
        self.valLoss = valLoss
        tensors = model.stateTensors()
    }

    /// Writes the checkpoint atomically.
    package func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "format": Checkpoint.format, "model": kind, "config": configuration, "step": String(step),
            "vocabulary": JSONValue.array(vocabulary.characters.map { .string(String($0)) }).serialized,
            "split": String(decoding: try encoder.encode(split), as: UTF8.self),
        ]
        if let valLoss { metadata["val_loss"] = String(valLoss) }
        if let trainingState { metadata.merge(try trainingState.metadata()) { _, state in state } }
        if let words {
            metadata["words"] = JSONValue.object(SplitName.allCases.map { ($0.rawValue, .array(words[$0].map(JSONValue.string))) }).serialized
        }
        try SafetensorsFile(tensors: tensors + (trainingState?.tensors ?? []), metadata: metadata).write(to: path)
    }

    /// Reads and validates the checkpoint at `path` (the tensors are checked against the model
    /// when it is rebuilt with `restore`).
    package static func read(path: String) throws -> Checkpoint {
        try Checkpoint(file: try SafetensorsFile.read(path: path), path: path)
    }

    /// Whether `file` carries this project's checkpoint metadata (a bare state dict, as PyTorch
    /// writes, does not).
    package static func isCheckpoint(_ file: SafetensorsFile) -> Bool { file.metadata["format"] != nil }

    /// The checkpoint in the already-read `file`; `path` names it in errors.
    package init(file: SafetensorsFile, path: String) throws {
        let m = file.metadata
        func field(_ key: String) throws -> String {
            guard let value = m[key] else { throw MakemoreError.file(path: path, reason: "not a makemore checkpoint (no '\(key)' in __metadata__)") }
            return value
        }
        guard try field("format") == Checkpoint.format else { throw MakemoreError.file(path: path, reason: "unknown checkpoint format '\(m["format"] ?? "")'") }
        guard let characters = (try? JSONParser.parse(try field("vocabulary")))?.arrayValue?.compactMap(\.stringValue),
              characters.allSatisfy({ $0.count == 1 }), Set(characters).count == characters.count
        else { throw MakemoreError.file(path: path, reason: "the vocabulary metadata is not a list of distinct single characters") }
        guard let split = try? JSONDecoder().decode(SplitRecord.self, from: Data(try field("split").utf8)) else {
            throw MakemoreError.file(path: path, reason: "the split metadata is malformed")
        }
        guard let step = Int(try field("step")), step >= 0 else { throw MakemoreError.file(path: path, reason: "the step metadata is not a whole number") }
        kind = try field("model")
        configuration = try field("config")
        vocabulary = Vocabulary(characters: characters.map { Character($0) })
        self.split = split
        self.step = step
        valLoss = m["val_loss"].flatMap(Double.init)
        if let bad = file.tensors.first(where: { !$0.values.allSatisfy(\.isFinite) }) {
            let value = bad.values.first { !$0.isFinite }!
            throw MakemoreError.file(path: path, reason: "tensor \(SafetensorsFile.quoted(bad.name)) holds a non-finite value (\(value.isNaN ? "NaN" : value > 0 ? "+inf" : "-inf"))")
        }
        tensors = file.tensors.filter { !$0.name.hasPrefix(TrainingState.prefix) }
        trainingState = try TrainingState(tensors: file.tensors, metadata: m, path: path)
        if let text = m["words"] {
            let parts = try? JSONParser.parse(text)
            let lists = SplitName.allCases.map { parts?[$0.rawValue]?.arrayValue?.compactMap(\.stringValue) }
            guard parts?.objectValue?.count == 3, lists.allSatisfy({ $0 != nil }), let train = lists[0], !train.isEmpty else {
                throw MakemoreError.file(path: path, reason: "the words metadata is not three lists of words (train, val, test)")
            }
            words = DatasetSplit(train: train, val: lists[1]!, test: lists[2]!)
        }
    }

    /// The words the model was trained on: `given`, else those stored here, else the split
    /// recorded here, read again; `path` names the checkpoint in errors.
    package func loadWords(given: DatasetSplit?, path: String) throws -> DatasetSplit {
        if let given { return given }
        if let words { return words }
        guard split.input != nil || split.directory != nil else {
            throw MakemoreError.file(path: path, reason: "the checkpoint records neither its words nor a word file to read them from: give the words (a DatasetSplit)")
        }
        return try split.load()
    }

    /// The model of type `M` stored here; `source` names the file in errors.
    package func restore<M: CheckpointableModel>(_ type: M.Type, source: String) throws -> M {
        guard kind == M.kind else { throw MakemoreError.file(path: source, reason: "holds a '\(kind)' model, not '\(M.kind)'") }
        guard let configuration = try? JSONDecoder().decode(M.Configuration.self, from: Data(configuration.utf8)) else {
            throw MakemoreError.file(path: source, reason: "the '\(kind)' configuration is malformed")
        }
        return try M.restore(configuration: configuration, vocabularySize: vocabulary.size,
                             from: tensors, source: source)
    }
}
