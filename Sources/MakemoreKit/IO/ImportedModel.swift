/// A model rebuilt from a bare state dict: what makemore.py's `torch.save(model.state_dict())`
/// holds, or a safetensors file a PyTorch or MLX script exported, with no metadata of this
/// project. The model type is recognised by its keys and the configuration read off the
/// shapes; every key and shape is then checked by loading the tensors into the built model.
///
/// | makemore.py `--type` | recognised by | model |
/// |---|---|---|
/// | `bigram` | the single key `logits` | `NeuralBigram` |
/// | `mlp` | `mlp.0.weight` | `MakemoreMLP` |
/// | `rnn` | `cell.xh_to_h.weight` | `RNN` |
/// | `gru` | `cell.xh_to_z.weight` | `GRU` |
/// | `bow` | `context_block.mlp.c_fc.weight` | `BagOfWords` |
/// | `transformer` | `transformer.wte.weight` | `Transformer` |
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
    public static let makemoreHeads = 4
    /// The longest block size accepted, so that a hostile shape cannot ask for a huge causal mask.
    public static let maximumBlockSize = 4096

    /// The rebuilt model, in evaluation mode.
    public let model: any TrainableModel
    /// The transformer's head count and where it came from; nil for other models.
    public let heads: (count: Int, source: HeadCountSource)?
    /// Whether the model is a transformer read as having sinusoidal positions, its state dict
    /// having no `transformer.wpe.weight`.
    public let sinusoidalPositions: Bool

    /// Rebuilds the model of the bare state dict `file`. `heads` is used for a transformer when
    /// the file has no `n_head` metadata (else makemore.py's 4); `blockSize` is the sequence
    /// length of an RNN or GRU, or of a transformer with sinusoidal positions, whose weights do
    /// not fix one (the data's longest word + 1).
    /// Throws a one-line error naming `source` for an unknown key set, a missing, unexpected or
    /// misshapen tensor, a buffer that is not the causal mask, or a non-finite weight.
    public init(stateDict file: SafetensorsFile, heads: Int? = nil, blockSize: Int? = nil, source: String) throws {
        let reader = ShapeReader(file: file, source: source)
        var headCount: (count: Int, source: HeadCountSource)? = nil
        var sinusoidal = false
        let model: any TrainableModel
        if file.tensor(named: "transformer.wte.weight") != nil {
            let wte = try reader.shape("transformer.wte.weight", rank: 2)
            let positionCount: Int
            if file.tensor(named: "transformer.wpe.weight") != nil {
                positionCount = try reader.shape("transformer.wpe.weight", rank: 2)[0]
            } else {
                if file.tensor(named: "transformer.h.0.attn.bias") != nil {
                    positionCount = try reader.shape("transformer.h.0.attn.bias", rank: 4)[3]
                } else if let blockSize {
                    positionCount = blockSize
                } else {
                    throw MakemoreError.file(path: source, reason: "a transformer state dict without 'transformer.wpe.weight' (sinusoidal positions) or causal masks does not record its block size: give the words it models")
                }
                sinusoidal = true
            }
            let layers = (0...).prefix { file.tensor(named: "transformer.h.\($0).ln_1.weight") != nil }.count
            if let text = file.metadata["n_head"] {
                guard let count = Int(text), count > 0 else { throw MakemoreError.file(path: source, reason: "metadata n_head '\(text)' is not a positive whole number") }
                headCount = (count, .metadata)
            } else if let heads {
                headCount = (heads, .caller)
            } else {
                headCount = (ImportedModel.makemoreHeads, .makemoreDefault)
            }
            let count = headCount!.count
            guard layers > 0, count > 0, wte[1] % count == 0 else {
                throw MakemoreError.file(path: source, reason: "cannot build a transformer of \(layers) layers, \(wte[1]) channels and \(count) heads")
            }
            for layer in 0..<layers { try reader.expect("transformer.h.\(layer).mlp.c_fc.weight", shape: [4 * wte[1], wte[1]]) }
            let configuration = TransformerConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(positionCount),
                                                         layers: layers, heads: count, embedding: wte[1],
                                                         positions: sinusoidal ? .sinusoidal : .learned)
            model = try ImportedModel.build(Transformer.self, configuration, file, source)
        } else if file.tensor(named: "context_block.mlp.c_fc.weight") != nil {
            let wte = try reader.shape("wte.weight", rank: 2), wpe = try reader.shape("wpe.weight", rank: 2)
            let expand = try reader.shape("context_block.mlp.c_fc.weight", rank: 2)
            let configuration = SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(wpe[0]),
                                                           embedding: wte[1], hidden: expand[0])
            model = try ImportedModel.build(BagOfWords.self, configuration, file, source)
        } else if file.tensor(named: "cell.xh_to_z.weight") != nil || file.tensor(named: "cell.xh_to_h.weight") != nil {
            let wte = try reader.shape("wte.weight", rank: 2), start = try reader.shape("start", rank: 2)
            let cell = file.tensor(named: "cell.xh_to_z.weight") != nil ? "cell.xh_to_z.weight" : "cell.xh_to_h.weight"
            try reader.expect(cell, shape: [start[1], wte[1] + start[1]])
            guard let blockSize else {
                throw MakemoreError.file(path: source, reason: "an RNN or GRU state dict does not record its block size: give the words it models")
            }
            let configuration = SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(blockSize),
                                                           embedding: wte[1], hidden: start[1])
            model = file.tensor(named: "cell.xh_to_z.weight") != nil
                ? try ImportedModel.build(GRU.self, configuration, file, source)
                : try ImportedModel.build(RNN.self, configuration, file, source)
        } else if file.tensor(named: "mlp.0.weight") != nil {
            let wte = try reader.shape("wte.weight", rank: 2), hidden = try reader.shape("mlp.0.weight", rank: 2)
            let head = try reader.shape("mlp.2.weight", rank: 2)
            guard wte[1] > 0, hidden[1] % wte[1] == 0, wte[0] == head[0] + 1 else {
                throw MakemoreError.file(path: source, reason: "'mlp.0.weight' \(hidden) and 'mlp.2.weight' \(head) do not fit 'wte.weight' \(wte) of makemore.py's MLP")
            }
            let configuration = SequenceModelConfiguration(vocabularySize: head[0], blockSize: try reader.blockSize(hidden[1] / wte[1]),
                                                           embedding: wte[1], hidden: hidden[0])
            model = try ImportedModel.build(MakemoreMLP.self, configuration, file, source)
        } else if file.tensors.count == 1, file.tensor(named: "logits") != nil {
            let logits = try reader.shape("logits", rank: 2)
            model = try ImportedModel.build(NeuralBigram.self, NeuralBigram.Configuration(vocabularySize: logits[0]), file, source)
        } else {
            let keys = file.tensors.prefix(4).map { SafetensorsFile.quoted($0.name) }.joined(separator: ", ")
            throw MakemoreError.file(path: source, reason: "not the state dict of a makemore.py model (keys \(keys)\(file.tensors.count > 4 ? ", …" : ""))")
        }
        self.model = model
        self.heads = headCount
        sinusoidalPositions = sinusoidal
    }

    /// The model of `configuration` (validated first) with the tensors of `file`, the causal
    /// masks it lacks filled in; the tensors must be finite.
    private static func build<M: TrainableModel>(_ type: M.Type, _ configuration: M.Configuration, _ file: SafetensorsFile,
                                                 _ source: String) throws -> M {
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

/// Reads the shapes that fix a configuration, with one-line errors.
private struct ShapeReader {
    let file: SafetensorsFile
    let source: String

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
