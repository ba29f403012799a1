import Foundation

// How a bare state dict is recognised as each importable stage's model and rebuilt from its
// shapes: the registry's entries name these (`StageDefinition.stateDict`), and
// `ImportedModel.init(stateDict:…)` asks the registry, so no list of kinds decides.

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
        self = try format.rebuild(StateDictReader(file: file, source: source, givenHeads: heads, givenBlockSize: blockSize))
    }
}

extension StateDictFormat {
    /// makemore.py's transformer as a bare state dict, recognised by `transformer.wte.weight`:
    /// layers counted by `transformer.h.N.ln_1.weight`, the block size from `wpe` (or, with
    /// sinusoidal positions, the causal masks or the caller's), the heads from the `n_head`
    /// metadata, the caller or makemore.py's default.
    static let transformer = StateDictFormat(key: "transformer.wte.weight") { reader in
        let file = reader.file, source = reader.source
        let wte = try reader.shape("transformer.wte.weight", rank: 2)
        let positionCount: Int
        var sinusoidal = false
        if file.tensor(named: "transformer.wpe.weight") != nil {
            positionCount = try reader.shape("transformer.wpe.weight", rank: 2)[0]
        } else {
            if file.tensor(named: "transformer.h.0.attn.bias") != nil {
                positionCount = try reader.shape("transformer.h.0.attn.bias", rank: 4)[3]
            } else if let blockSize = reader.givenBlockSize {
                positionCount = blockSize
            } else {
                throw MakemoreError.file(path: source, reason: "a transformer state dict without 'transformer.wpe.weight' (sinusoidal positions) or causal masks does not record its block size: give the words it models")
            }
            sinusoidal = true
        }
        let layers = (0...).prefix { file.tensor(named: "transformer.h.\($0).ln_1.weight") != nil }.count
        let headCount: (count: Int, source: ImportedModel.HeadCountSource)
        if let text = file.metadata["n_head"] {
            guard let count = Int(text), count > 0 else { throw MakemoreError.file(path: source, reason: "metadata n_head '\(text)' is not a positive whole number") }
            headCount = (count, .metadata)
        } else if let heads = reader.givenHeads {
            headCount = (heads, .caller)
        } else {
            headCount = (ImportedModel.makemoreHeads, .makemoreDefault)
        }
        let count = headCount.count
        guard layers > 0, count > 0, wte[1] % count == 0 else {
            throw MakemoreError.file(path: source, reason: "cannot build a transformer of \(layers) layers, \(wte[1]) channels and \(count) heads")
        }
        for layer in 0..<layers { try reader.expect("transformer.h.\(layer).mlp.c_fc.weight", shape: [4 * wte[1], wte[1]]) }
        let configuration = TransformerConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(positionCount),
                                                     layers: layers, heads: count, embedding: wte[1],
                                                     positions: sinusoidal ? .sinusoidal : .learned)
        return ImportedModel(model: try reader.build(Transformer.self, configuration), heads: headCount, sinusoidalPositions: sinusoidal)
    }

    /// makemore.py's BoW as a bare state dict, recognised by `context_block.mlp.c_fc.weight`:
    /// the block size from `wpe`, the widths from `wte` and the MLP's expansion.
    static let bagOfWords = StateDictFormat(key: "context_block.mlp.c_fc.weight") { reader in
        let wte = try reader.shape("wte.weight", rank: 2), wpe = try reader.shape("wpe.weight", rank: 2)
        let expand = try reader.shape("context_block.mlp.c_fc.weight", rank: 2)
        let configuration = SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(wpe[0]),
                                                       embedding: wte[1], hidden: expand[0])
        return ImportedModel(model: try reader.build(BagOfWords.self, configuration))
    }

    /// A recurrent model as a bare state dict (makemore.py's RNN or GRU, or a PyTorch model with
    /// `nn.LSTMCell` as its cell), recognised by its cell's first weight (`cell.xh_to_h.weight`,
    /// `cell.xh_to_z.weight`, `cell.weight_ih`) and checked to have that weight's shape on a
    /// cell built with shapes only from E and H (`wte`, `start`); the block size is the caller's
    /// (the words' longest + 1): a recurrence's weights fix none.
    static func recurrent<Cell: RecurrentCell>(_ model: RecurrentLanguageModel<Cell>.Type) -> StateDictFormat {
        var generator = RandomGenerator(seed: 0)
        let cellKey = "cell." + Tensor.withShapesOnly { Cell(inputCount: 1, hiddenCount: 1, using: &generator) }.namedParameters()[0].name
        return StateDictFormat(key: cellKey) { reader in
            let wte = try reader.shape("wte.weight", rank: 2), start = try reader.shape("start", rank: 2)
            var generator = RandomGenerator(seed: 0)
            let cell = Tensor.withShapesOnly { Cell(inputCount: wte[1], hiddenCount: start[1], using: &generator) }
            try reader.expect(cellKey, shape: cell.namedParameters()[0].tensor.shape)
            guard let blockSize = reader.givenBlockSize else {
                throw MakemoreError.file(path: reader.source, reason: "an RNN, GRU or LSTM state dict does not record its block size: give the words it models")
            }
            let configuration = SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(blockSize),
                                                           embedding: wte[1], hidden: start[1])
            return ImportedModel(model: try reader.build(RecurrentLanguageModel<Cell>.self, configuration))
        }
    }

    /// makemore.py's MLP as a bare state dict, recognised by `mlp.0.weight`: the block size is
    /// the hidden layer's input over the embedding width; `wte` has the extra `<BLANK>` row.
    static let makemoreMLP = StateDictFormat(key: "mlp.0.weight") { reader in
        let wte = try reader.shape("wte.weight", rank: 2), hidden = try reader.shape("mlp.0.weight", rank: 2)
        let head = try reader.shape("mlp.2.weight", rank: 2)
        guard wte[1] > 0, hidden[1] % wte[1] == 0, wte[0] == head[0] + 1 else {
            throw MakemoreError.file(path: reader.source, reason: "'mlp.0.weight' \(hidden) and 'mlp.2.weight' \(head) do not fit 'wte.weight' \(wte) of makemore.py's MLP")
        }
        let configuration = SequenceModelConfiguration(vocabularySize: head[0], blockSize: try reader.blockSize(hidden[1] / wte[1]),
                                                       embedding: wte[1], hidden: hidden[0])
        return ImportedModel(model: try reader.build(MakemoreMLP.self, configuration))
    }

    /// makemore.py's bigram as a bare state dict: the single key `logits`, (V, V).
    static let neuralBigram = StateDictFormat(recognises: { $0.tensors.count == 1 && $0.tensor(named: "logits") != nil }) { reader in
        let logits = try reader.shape("logits", rank: 2)
        return ImportedModel(model: try reader.build(NeuralBigram.self, NeuralBigram.Configuration(vocabularySize: logits[0])))
    }
}
