/// A long short-term memory language model: makemore.py's recurrent model (`wte`, a learned
/// start state `start`, a cell run once per token, `lm_head` on every hidden state) with PyTorch's
/// `nn.LSTMCell` as the cell, so its state dict is what that PyTorch module saves:
///
/// | key | shape |
/// |---|---|
/// | `start` | (1, H): h₋₁ (c₋₁ is zero, as `nn.LSTMCell` starts without a state) |
/// | `wte.weight` | (V, E) |
/// | `cell.weight_ih`, `cell.weight_hh` | (4H, E), (4H, H): gates in PyTorch's order i, f, g, o |
/// | `cell.bias_ih`, `cell.bias_hh` | (4H) each |
/// | `lm_head.weight`, `lm_head.bias` | (V, H), (V) |
///
/// makemore.py names its own cells' layers (`cell.xh_to_z`); PyTorch's LSTM cell has the four
/// tensors above, so a PyTorch model with `self.cell = nn.LSTMCell(n_embd, n_embd2)` in place of
/// makemore.py's `GRUCell` loads these weights unchanged. A batch runs through `lstmRecurrence`
/// over a `TimeMajorLayout`; sampling runs the same pass one token at a time from each slot's
/// kept (h, c).
package final class LSTM: IncrementalModel {
    package static let kind = "lstm"
    /// The hyperparameters (n_embd, n_embd2: the hidden and cell width).
    package let configuration: SequenceModelConfiguration
    /// `start`: h₋₁, (1, H), zeros at creation.
    package let start: Tensor
    /// `wte`: (V, E).
    package let tokenEmbedding: Embedding
    /// `cell`.
    package let cell: LSTMCell
    /// `lm_head`: H → V, with bias.
    package let head: Linear

    /// A model with PyTorch's default initialisation, created in makemore.py's order.
    package init(configuration c: SequenceModelConfiguration, using generator: inout RandomGenerator) throws {
        try c.validate()
        configuration = c
        start = .zeros(shape: [1, c.hidden], requiresGrad: true)
        tokenEmbedding = Embedding(count: c.vocabularySize, dimensions: c.embedding, using: &generator)
        cell = LSTMCell(inputCount: c.embedding, hiddenCount: c.hidden, using: &generator)
        head = Linear(inputCount: c.hidden, outputCount: c.vocabularySize, using: &generator)
    }

    package var vocabularySize: Int { configuration.vocabularySize }
    package var maximumWordLength: Int? { configuration.blockSize - 1 }
    package var ownParameters: [(name: String, tensor: Tensor)] { [("start", start)] }
    package var children: ModuleChildren { [("wte", tokenEmbedding), ("cell", cell), ("lm_head", head)] }

    /// batch (N rows) → logits (N, V), rows in the batch's order.
    package func logits(_ batch: PackedSequences) -> Tensor {
        precondition(batch.longest <= configuration.blockSize, "a sequence of \(batch.longest) exceeds block size \(configuration.blockSize)")
        return forward(batch, from: (start, nil)).logits
    }

    /// Every slot at `start`.
    package func makeDecodingState(capacity: Int) -> LSTMState { LSTMState(capacity: capacity, blockSize: configuration.blockSize) }

    /// The same forward pass over one more token of each of `slots`, from the slot's (h, c):
    /// logits (R, V).
    package func logits(appending tokens: [Int32], to slots: [Int], in state: LSTMState) -> Tensor {
        precondition(tokens.count == slots.count, "one token per slot")
        _ = state.positions.advance(slots)
        var rows: [Float] = []
        for (token, slot) in zip(tokens, slots) {
            var sequence = PackedSequences()
            sequence.append(inputs: [token], targets: [token])
            let (logits, hidden, cell) = forward(sequence, from: state.states[slot] ?? (start, nil))  // (1, V), (1, H), (1, H)
            state.states[slot] = (hidden, cell)
            rows += logits.values
        }
        return Tensor(shape: [tokens.count, vocabularySize], values: rows)
    }

    /// batch (N rows), every sequence starting from (h, c) = `initial` (1, H) each → logits
    /// (N, V), hidden and cell states (N, H), in batch order.
    private func forward(_ batch: PackedSequences, from initial: (hidden: Tensor, cell: Tensor?)) -> (logits: Tensor, hidden: Tensor, cell: Tensor) {
        let layout = TimeMajorLayout(batch)
        let x = tokenEmbedding(layout.order.map { batch.inputs[Int($0)] }, shape: [layout.rows])  // (N, E) time-major
        let (h, c) = cell(x, start: initial.hidden, startCell: initial.cell, layout: layout)
        let hidden = embedding(h, indices: layout.inverse)  // back to batch order: (N, H)
        return (head(hidden), hidden, embedding(c, indices: layout.inverse))
    }
}

/// PyTorch's `nn.LSTMCell(input_size, hidden_size)`: its four tensors, its initialisation
/// U(−1/√H, 1/√H) for all of them, in its order.
package final class LSTMCell: Module {
    /// `weight_ih`: (4H, E), the gates i, f, g, o stacked.
    package let weightIH: Tensor
    /// `weight_hh`: (4H, H).
    package let weightHH: Tensor
    /// `bias_ih`: (4H).
    package let biasIH: Tensor
    /// `bias_hh`: (4H).
    package let biasHH: Tensor

    package init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator) {
        let bound = 1 / Float(hiddenCount).squareRoot()
        weightIH = .uniform(shape: [4 * hiddenCount, inputCount], bound: bound, requiresGrad: true, using: &generator)
        weightHH = .uniform(shape: [4 * hiddenCount, hiddenCount], bound: bound, requiresGrad: true, using: &generator)
        biasIH = .uniform(shape: [4 * hiddenCount], bound: bound, requiresGrad: true, using: &generator)
        biasHH = .uniform(shape: [4 * hiddenCount], bound: bound, requiresGrad: true, using: &generator)
    }

    /// inputs (N, E) in `layout`'s time-major order → hidden and cell states (N, H), same order.
    package func callAsFunction(_ inputs: Tensor, start: Tensor, startCell: Tensor?, layout: TimeMajorLayout) -> (hidden: Tensor, cell: Tensor) {
        lstmRecurrence(inputs, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, start: start,
                       startCell: startCell, layout: layout)
    }

    package var children: ModuleChildren { [] }
    package var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias_ih", biasIH), ("bias_hh", biasHH)]
    }
}

/// The LSTM's decoding state: each slot's (h, c) after the tokens fed so far.
package final class LSTMState: SlotState {
    /// (1, H) each per slot; nil at the learned `start` (and c = 0).
    var states: [(hidden: Tensor, cell: Tensor?)?]
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

extension LSTM: TrainableModel {
    /// The embedding, the gates and their gradients (4H each), c, tanh c, h, the previous h and
    /// their gradients, the logits and their gradient.
    package static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.embedding) + 14 * Double(c.hidden) + 2 * Double(v))
    }
}
