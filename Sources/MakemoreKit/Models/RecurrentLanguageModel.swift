/// makemore.py's recurrent language model, whatever its cell (`RNN`, `GRU`, `LSTM`). Each token
/// is embedded (`wte`), the cell updates the hidden state once per token starting from a
/// learned state (`start`), and a linear head (`lm_head`) reads the next token's logits off
/// every hidden state. Parameter names are makemore.py's state-dict keys.
///
/// A batch runs time step by time step over a `TimeMajorLayout` (sequences sorted by length,
/// so each step covers only the words still running: no work on padding). Sampling runs the
/// same forward pass from each word's kept cell state, one cell step per generated token.
package final class RecurrentLanguageModel<Cell: RecurrentCell>: IncrementalModel {
    /// The hyperparameters.
    package let configuration: SequenceModelConfiguration
    /// `start`: the hidden state before the first token, (1, H), zeros at creation.
    package let start: Tensor
    /// `wte`: (V, E).
    package let tokenEmbedding: Embedding
    /// `cell`.
    package let cell: Cell
    /// `lm_head`: H → V, with bias.
    package let head: Linear

    /// A model with PyTorch's default initialisation, layers created in makemore.py's order.
    package init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        start = .zeros(shape: [1, c.hidden], requiresGrad: true)
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        cell = Cell(inputCount: c.embedding, hiddenCount: c.hidden, using: &generator)
        head = Linear(inputCount: c.hidden, outputCount: c.vocabularySize, using: &generator)
    }

    package var vocabularySize: Int { configuration.vocabularySize }
    package var maximumWordLength: Int? { configuration.blockSize - 1 }

    package var ownParameters: [(name: String, tensor: Tensor)] { [("start", start)] }

    package var children: ModuleChildren { [("wte", tokenEmbedding), ("cell", cell), ("lm_head", head)] }

    /// batch (N rows) → logits (N, V), rows in the batch's order.
    package func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        return forward(batch, from: Cell.state(start: start)).logits
    }

    /// Every slot at `start`.
    package func makeDecodingState(capacity: Int) -> RecurrentState<Cell.State> {
        RecurrentState(capacity: capacity, blockSize: configuration.blockSize)
    }

    /// The same forward pass over one more token of each of `slots`, from the slot's cell state
    /// (the recurrence takes one starting state per run, so slot by slot): logits (R, V).
    package func logits(appending tokens: [Int32], to slots: [Int], in state: RecurrentState<Cell.State>) -> Tensor {
        precondition(tokens.count == slots.count, "one token per slot")
        _ = state.positions.advance(slots)
        var rows: [Tensor] = []
        for (token, slot) in zip(tokens, slots) {
            var sequence = PackedSequences()
            sequence.append(inputs: [token], targets: [token])
            let (logits, after) = forward(sequence, from: state.states[slot] ?? Cell.state(start: start))  // (1, V), one row
            state.states[slot] = after
            rows.append(logits)
        }
        return rows.count == 1 ? rows[0] : Tensor(shape: [rows.count, vocabularySize], values: rows.flatMap(\.values))
    }

    /// The one forward pass: batch (N rows), every sequence starting from the cell state
    /// `initial` (one row) → logits (N, V) in batch order, and the cell's state after each row
    /// in time-major order (the same order for a batch of one token).
    private func forward(_ batch: PackedSequences, from initial: Cell.State) -> (logits: Tensor, state: Cell.State) {
        let layout = TimeMajorLayout(batch)
        let x = tokenEmbedding(layout.order.map { batch.inputs[Int($0)] }, shape: [layout.rows])  // (N, E) time-major
        let (hidden, state) = cell(x, from: initial, layout: layout)  // (N, H) time-major
        return (head(embedding(hidden, indices: layout.inverse)), state)  // gathered back to batch order: (N, H) → (N, V)
    }
}

/// makemore.py's `RNN(config, cell_type='rnn')`: 11 803 parameters at its defaults.
package typealias RNN = RecurrentLanguageModel<RNNCell>
/// makemore.py's `RNN(config, cell_type='gru')`: 28 315 parameters at its defaults.
package typealias GRU = RecurrentLanguageModel<GRUCell>

/// The recurrent models' decoding state: each slot's cell state (one row) after the tokens fed so far.
package final class RecurrentState<State>: SlotState {
    /// Per slot; nil at the learned `start`.
    var states: [State?]
    var positions: SlotPositions

    init(capacity: Int, blockSize: Int) {
        positions = SlotPositions(capacity: capacity, blockSize: blockSize)
        states = Array(repeating: nil, count: capacity)
    }

    package func reset(slot: Int) {
        positions.reset(slot: slot)
        states[slot] = nil
    }
}

extension RecurrentLanguageModel: TrainableModel {
    /// The cell's `kind`: `rnn`, `gru` (makemore.py's `--type`), `lstm`.
    package static var kind: String { Cell.kind }

    /// What one row of a training batch keeps: the embedding, the cell's own and the logits with
    /// their gradient (the state dict's size is counted on the model itself:
    /// `TrainableModel.stateElementCount`).
    package static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.embedding) + Cell.activationElementsPerRow(inputCount: c.embedding, hiddenCount: c.hidden) + 2 * Double(v))
    }
}
