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
package typealias LSTM = RecurrentLanguageModel<LSTMCell>

/// PyTorch's `nn.LSTMCell(input_size, hidden_size)`: its four tensors, its initialisation
/// U(−1/√H, 1/√H) for all of them, in its order.
package final class LSTMCell: RecurrentCell {
    package static let kind = "lstm"
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

    /// What a sequence carries: its hidden and cell states, (R, H) each.
    package struct State {
        package let hidden: Tensor
        /// nil for c = 0, the state before the first token.
        package let cell: Tensor?
    }

    /// h₋₁ = `start`, c₋₁ = 0.
    package static func state(start: Tensor) -> State { State(hidden: start, cell: nil) }

    /// inputs (N, E) in `layout`'s time-major order → hidden states (N, H) and (h, c) after
    /// each row, same order, through `lstmRecurrence`.
    package func callAsFunction(_ inputs: Tensor, from state: State, layout: TimeMajorLayout) -> (hidden: Tensor, state: State) {
        let (hidden, cell) = lstmRecurrence(inputs, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                                            start: state.hidden, startCell: state.cell, layout: layout)
        return (hidden, State(hidden: hidden, cell: cell))
    }

    /// The gates and their gradients (4H each), c, tanh c, h, the previous h and their gradients.
    package static func activationElementsPerRow(inputCount e: Int, hiddenCount h: Int) -> Double { 14 * Double(h) }

    package var children: ModuleChildren { [] }
    package var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias_ih", biasIH), ("bias_hh", biasHH)]
    }
}
