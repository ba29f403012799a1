/// A model rebuilt from a bare state dict: what makemore.py's `torch.save(model.state_dict())`
/// holds, or a safetensors file a PyTorch or MLX script exported, with no metadata of this
/// project. The model type is recognised by its keys — each stage's `StateDictFormat`, declared
/// with its stage in the registry — and the configuration read off the shapes; every key and
/// shape is then checked by loading the tensors into the built model. The built-in formats:
///
/// | makemore.py `--type` | recognised by | model |
/// |---|---|---|
/// | `bigram` | the single key `logits` | `NeuralBigram` |
/// | `mlp` | `mlp.0.weight` | `MakemoreMLP` |
/// | `rnn` | `cell.xh_to_h.weight` | `RNN` |
/// | `gru` | `cell.xh_to_z.weight` | `GRU` |
/// | `bow` | `context_block.mlp.c_fc.weight` | `BagOfWords` |
/// | `transformer` | `transformer.wte.weight` | `Transformer` |
/// | (`nn.LSTMCell` as the cell) | `cell.weight_ih` | `LSTM` |
///
/// The causal-mask buffers (`transformer.h.N.attn.bias`, `context_block.cbow.bias`) are
/// optional, since exporters often keep parameters only; when present they must be the mask.
/// A transformer without `transformer.wpe.weight` is read as one with sinusoidal positions
/// (its block size then taken from the causal masks, or else from the words, as an RNN's); a
/// state dict cannot tell ReLU from GELU, so the MLPs are makemore.py's GELU.
public struct ImportedModel {
    /// Where the head count of an imported transformer came from (no shape records it).
    public enum HeadCountSource: String, Sendable {
        /// The file's `n_head` metadata.
        case metadata
        /// The caller's value (the `--heads` flag).
        case caller
        /// makemore.py's default, 4.
        case makemoreDefault = "makemore.py's default"
    }

    /// makemore.py's default head count, used when neither the file nor the caller gives one.
    package static let makemoreHeads = 4
    /// The longest block size accepted, so that a hostile shape cannot ask for a huge causal mask.
    package static let maximumBlockSize = 4096

    /// The rebuilt model, in evaluation mode.
    public let model: any TrainableModel
    /// The transformer's head count and where it came from; nil for other models.
    public let heads: (count: Int, source: HeadCountSource)?
    /// Whether the model is a transformer read as having sinusoidal positions, its state dict
    /// having no `transformer.wpe.weight`.
    package let sinusoidalPositions: Bool

    /// A rebuilt model with what was read besides it.
    init(model: any TrainableModel, heads: (count: Int, source: HeadCountSource)? = nil, sinusoidalPositions: Bool = false) {
        self.model = model
        self.heads = heads
        self.sinusoidalPositions = sinusoidalPositions
    }
}

/// How a bare state dict (no configuration, only tensors by name) is recognised as a `Model`
/// and rebuilt from its shapes. A stage declares its format where it is registered
/// (`StageDefinition.sequence(…, stateDict:)`): the built-in stages beside their entries in
/// `StageRegistry`, a program's own model in its `StageRegistry.register` call. `ImportedModel`
/// then asks the registered formats in order, the built-in ones first, never a list of kinds.
///
/// ```swift
/// stateDict: .recognised(by: "lm_head.weight") { reader in
///     let wte = try reader.shape("wte.weight", rank: 2)  // (V, E)
///     return Configuration(vocabularySize: wte[0], blockSize: try reader.givenBlockSize(), embedding: wte[1])
/// }
/// ```
public struct StateDictFormat<Model: TrainableModel>: Sendable {
    /// The format as the registry keeps it, whatever its model.
    let erased: AnyStateDictFormat

    /// A format recognised by `recognises`, whose `rebuild` reads the configuration and anything
    /// else the file says besides the tensors (a transformer's head count).
    package init(recognises: @escaping @Sendable (SafetensorsFile) -> Bool, rebuild: @escaping @Sendable (StateDictReader) throws -> ImportedModel) {
        erased = AnyStateDictFormat(recognises: recognises, rebuild: rebuild)
    }

    /// A file holding a tensor named `key` (a name only this model's files hold) is this model's:
    /// its configuration is what `configuration` reads off the shapes, and the model built from it
    /// must take every tensor of the file (a missing, extra or misshapen tensor is an error naming
    /// the file).
    public static func recognised(by key: String, configuration: @escaping @Sendable (StateDictReader) throws -> Model.Configuration) -> Self {
        recognised(when: { $0.tensor(named: key) != nil }, configuration: configuration)
    }

    /// A file for which `recognises` holds is this model's, its configuration read by
    /// `configuration` as for `recognised(by:configuration:)`.
    public static func recognised(when recognises: @escaping @Sendable (SafetensorsFile) -> Bool,
                                  configuration: @escaping @Sendable (StateDictReader) throws -> Model.Configuration) -> Self {
        Self(recognises: recognises) { reader in ImportedModel(model: try reader.build(Model.self, configuration(reader))) }
    }
}

/// A `StateDictFormat` with its model type erased, as `StageDefinition` keeps it.
struct AnyStateDictFormat: Sendable {
    /// Whether the file's keys are this format's model's.
    let recognises: @Sendable (SafetensorsFile) -> Bool
    /// The model of the file, its configuration read off the shapes.
    let rebuild: @Sendable (StateDictReader) throws -> ImportedModel
}

/// A bare state dict being imported, with the caller's hints: what a `StateDictFormat` reads the
/// model's configuration from. Its checks throw one-line errors naming the file.
public struct StateDictReader {
    package let file: SafetensorsFile
    /// The file, as errors name it.
    package let source: String
    /// The caller's head count for a transformer without `n_head` metadata.
    package let givenHeads: Int?
    /// The caller's block size for a model whose shapes do not fix one (the words' longest + 1).
    package let callerBlockSize: Int?

    package init(file: SafetensorsFile, source: String, givenHeads: Int?, callerBlockSize: Int?) {
        self.file = file
        self.source = source
        self.givenHeads = givenHeads
        self.callerBlockSize = callerBlockSize
    }

    /// The model of `configuration` (validated first) with the tensors of `file`, the causal
    /// masks it lacks filled in; the tensors must be finite.
    func build<M: TrainableModel>(_ type: M.Type, _ configuration: M.Configuration) throws -> M {
        try MakemoreError.within(file: source) {
            try configuration.validate()
            // The same check as a model built from flags: a small file may declare a huge model
            // (64 layers of block size 4096 need gigabytes of causal masks).
            try MemoryEstimate(M.self, configuration: configuration, vocabularySize: configuration.vocabularySize, rowsPerStep: 0).check()
        }
        var generator = RandomGenerator(seed: 0)
        let model = try M(configuration: configuration, using: &generator)
        var complete = file
        for (name, buffer) in model.namedBuffers() {
            if let stored = file.tensor(named: name) {
                guard stored.shape == buffer.shape else {
                    throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(stored.shape), the model needs \(buffer.shape)")
                }
                guard stored.values == buffer.values else { throw MakemoreError.file(path: source, reason: "tensor '\(name)' is not the causal mask") }
            } else {
                complete.tensors.append(SafetensorsFile.Tensor(name: name, shape: buffer.shape, values: buffer.values))
            }
        }
        if let bad = file.tensors.first(where: { !$0.values.allSatisfy(\.isFinite) }) {
            throw MakemoreError.file(path: source, reason: "tensor '\(bad.name)' holds a value that is not finite")
        }
        try model.loadState(from: complete, source: source)
        model.setTraining(false)
        return model
    }
}

extension StateDictReader {
    /// The shape of tensor `name`, which must exist with `rank` positive dimensions.
    public func shape(_ name: String, rank: Int) throws -> [Int] {
        guard let tensor = file.tensor(named: name) else { throw MakemoreError.file(path: source, reason: "missing tensor '\(name)'") }
        guard tensor.shape.count == rank, tensor.shape.allSatisfy({ $0 > 0 }) else {
            throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(tensor.shape), expected \(rank) positive dimensions")
        }
        return tensor.shape
    }

    /// Checks that tensor `name` exists with exactly `shape` (so that the model built from the
    /// shapes is no larger than the file's data).
    public func expect(_ name: String, shape expected: [Int]) throws {
        guard let tensor = file.tensor(named: name) else { throw MakemoreError.file(path: source, reason: "missing tensor '\(name)'") }
        guard tensor.shape == expected else {
            throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(tensor.shape), the model needs \(expected)")
        }
    }

    /// `blockSize` (read off a shape), checked to lie in 1…`ImportedModel.maximumBlockSize`.
    public func blockSize(_ blockSize: Int) throws -> Int {
        guard (1...ImportedModel.maximumBlockSize).contains(blockSize) else {
            throw MakemoreError.file(path: source, reason: "block size \(blockSize) is outside 1…\(ImportedModel.maximumBlockSize)")
        }
        return blockSize
    }

    /// The block size the caller gave (the words' longest + 1), checked as `blockSize(_:)`, for a
    /// model whose weights fix none (a recurrence); none given is an error naming the file.
    public func givenBlockSize() throws -> Int {
        guard let callerBlockSize else {
            throw MakemoreError.file(path: source, reason: "the state dict does not record its block size: give the words it models")
        }
        return try blockSize(callerBlockSize)
    }
}
