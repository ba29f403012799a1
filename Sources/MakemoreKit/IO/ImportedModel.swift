/// A model rebuilt from a bare state dict: what makemore.py's `torch.save(model.state_dict())`
/// holds, or a safetensors file a PyTorch or MLX script exported, with no metadata of this
/// project. The model type is recognised by its keys — each stage's `StateDictFormat`, declared
/// in Stages/StateDictFormats.swift and registered with its stage — and the configuration read
/// off the shapes;
/// every key and shape is then checked by loading the tensors into the built model.
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

/// How a bare state dict is recognised as one stage's model and rebuilt from it: declared once
/// (`StateDictFormat.lstm`, …) and registered with its stage (`StageDefinition.stateDict`), so
/// that `ImportedModel` asks the registry, never a list of kinds.
public struct StateDictFormat: Sendable {
    /// Whether the file's keys are this model's.
    let recognises: @Sendable (SafetensorsFile) -> Bool
    /// The model of the file, its configuration read off the shapes.
    let rebuild: @Sendable (StateDictReader) throws -> ImportedModel

    /// A format recognised by the tensor `key`, rebuilt by `rebuild`.
    init(key: String, rebuild: @escaping @Sendable (StateDictReader) throws -> ImportedModel) {
        recognises = { $0.tensor(named: key) != nil }
        self.rebuild = rebuild
    }

    init(recognises: @escaping @Sendable (SafetensorsFile) -> Bool, rebuild: @escaping @Sendable (StateDictReader) throws -> ImportedModel) {
        self.recognises = recognises
        self.rebuild = rebuild
    }
}

/// A bare state dict being imported, with the caller's hints, and the shape checks that fix a
/// configuration, with one-line errors naming `source`.
struct StateDictReader {
    let file: SafetensorsFile
    let source: String
    /// The caller's head count for a transformer without `n_head` metadata.
    let givenHeads: Int?
    /// The caller's block size for a model whose shapes do not fix one (the words' longest + 1).
    let givenBlockSize: Int?

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
    func shape(_ name: String, rank: Int) throws -> [Int] {
        guard let tensor = file.tensor(named: name) else { throw MakemoreError.file(path: source, reason: "missing tensor '\(name)'") }
        guard tensor.shape.count == rank, tensor.shape.allSatisfy({ $0 > 0 }) else {
            throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(tensor.shape), expected \(rank) positive dimensions")
        }
        return tensor.shape
    }

    /// Checks that tensor `name` exists with exactly `shape` (so that the model built from the
    /// shapes is no larger than the file's data).
    func expect(_ name: String, shape expected: [Int]) throws {
        guard let tensor = file.tensor(named: name) else { throw MakemoreError.file(path: source, reason: "missing tensor '\(name)'") }
        guard tensor.shape == expected else {
            throw MakemoreError.file(path: source, reason: "tensor '\(name)' has shape \(tensor.shape), the model needs \(expected)")
        }
    }

    /// `blockSize`, checked to lie in 1…`ImportedModel.maximumBlockSize`.
    func blockSize(_ blockSize: Int) throws -> Int {
        guard (1...ImportedModel.maximumBlockSize).contains(blockSize) else {
            throw MakemoreError.file(path: source, reason: "block size \(blockSize) is outside 1…\(ImportedModel.maximumBlockSize)")
        }
        return blockSize
    }
}
