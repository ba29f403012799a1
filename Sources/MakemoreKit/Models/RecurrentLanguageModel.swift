/// makemore.py's recurrent language model. Each token is embedded (`wte`), a cell
/// updates the hidden state once per token starting from a learned state (`start`), and a
/// linear head (`lm_head`) reads the next token's logits off every hidden state. Parameter
/// names are makemore.py's state-dict keys.
///
/// A batch runs time step by time step over a `TimeMajorLayout` (sequences sorted by length,
/// so each step covers only the words still running: no work on padding). Sampling keeps the
/// hidden state of the prefix, one cell step per generated token.
public final class RecurrentLanguageModel<Cell: RecurrentCell>: Module, PackedSequenceModel {
    /// The hyperparameters.
    public let configuration: SequenceModelConfiguration
    /// `start`: the hidden state before the first token, (1, H), zeros at creation.
    public let start: Tensor
    /// `wte`: (V, E).
    public let tokenEmbedding: Embedding
    /// `cell`.
    public let cell: Cell
    /// `lm_head`: H → V, with bias.
    public let head: Linear
    private lazy var decoder = RecurrentDecoder(model: self)

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    public init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) {
        configuration = c
        start = .zeros(shape: [1, c.hidden], requiresGrad: true)
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        cell = Cell(inputCount: c.embedding, hiddenCount: c.hidden, using: &generator)
        head = Linear(inputCount: c.hidden, outputCount: c.vocabularySize, using: &generator)
    }

    public var vocabularySize: Int { configuration.vocabularySize }
    public var maximumWordLength: Int? { configuration.blockSize - 1 }

    /// batch (N rows) → logits (N, V), rows in the batch's order.
    public func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        let layout = TimeMajorLayout(batch)
        let x = tokenEmbedding(layout.order.map { batch.inputs[Int($0)] }, shape: [layout.rows])  // (N, E) time-major
        let hidden = cell(x, start: start, layout: layout)  // (N, H) time-major
        return head(embedding(hidden, indices: layout.inverse))  // rows gathered back to batch order: (N, V)
    }

    /// Through the kept hidden state: when `prefix` extends the previous call's prefix (as it
    /// does while sampling a word), only the new tokens run through the cell. Not thread-safe;
    /// the parameters must not change between calls whose prefixes extend one another.
    public func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        Tensor.withoutGradient { decoder.logProbabilities(after: prefix) }
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        [("start", start)] + prefixed("wte", tokenEmbedding.namedParameters()) + prefixed("cell", cell.namedParameters())
            + prefixed("lm_head", head.namedParameters())
    }
}

/// makemore.py's `RNN(config, cell_type='rnn')`: 11 803 parameters at its defaults.
public typealias RNN = RecurrentLanguageModel<RNNCell>
/// makemore.py's `RNN(config, cell_type='gru')`: 28 315 parameters at its defaults.
public typealias GRU = RecurrentLanguageModel<GRUCell>

/// Incremental decoding: the hidden state after the tokens fed so far.
final class RecurrentDecoder<Cell: RecurrentCell> {
    private unowned let model: RecurrentLanguageModel<Cell>
    /// The tokens fed so far, boundary first.
    private var tokens: [Int32] = []
    /// The hidden state after `tokens`: (1, H).
    private var hidden: Tensor

    init(model: RecurrentLanguageModel<Cell>) {
        self.model = model
        hidden = model.start
    }

    /// The log-probabilities after `[boundary] + prefix`. When `prefix` extends the previous
    /// call's prefix the kept state is advanced over the new tokens only; otherwise the state
    /// starts over from `start`.
    func logProbabilities(after prefix: [Int32]) -> [Float] {
        let wanted = [Vocabulary.boundary] + prefix
        precondition(wanted.count <= model.configuration.blockSize, "prefix of \(prefix.count) tokens exceeds the block size")
        if !(wanted.count > tokens.count && wanted.starts(with: tokens)) {
            tokens.removeAll(keepingCapacity: true)
            hidden = model.start
        }
        let new = Array(wanted[tokens.count...])
        var sequence = PackedSequences()
        sequence.append(inputs: new, targets: new)
        let states = model.cell(model.tokenEmbedding(new, shape: [new.count]), start: hidden, layout: TimeMajorLayout(sequence))  // (k, H)
        hidden = states.rows((new.count - 1)..<new.count)
        tokens = wanted
        return model.head(hidden).logSoftmax().values
    }
}

extension RecurrentLanguageModel: TrainableModel {
    /// `rnn` or `gru`, makemore.py's `--type`.
    public static var kind: String { Cell.kind }

}
