/// A recurrent cell of a `RecurrentLanguageModel`, run over every time step of a batch in one
/// op, with what it carries from one token to the next.
package protocol RecurrentCell: Module {
    /// What a sequence carries from one token to the next, for some rows: their hidden states
    /// (R, H) for makemore.py's cells, hidden and cell states for the LSTM.
    associatedtype State
    /// The `--type` of a model with this cell (`rnn`, `gru`, `lstm`): the model's `kind`.
    static var kind: String { get }
    /// A cell from `inputCount` input features to `hiddenCount` hidden features, with its
    /// PyTorch module's default initialisation.
    init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator)
    /// The state before a sequence's first token, from the model's learned hidden state `start` (1, H).
    static func state(start: Tensor) -> State
    /// inputs (N, E) in `layout`'s time-major order, every sequence starting from `state` (one
    /// row) → the hidden states (N, H), tracked, and the state after each row, both in the same order.
    func callAsFunction(_ inputs: Tensor, from state: State, layout: TimeMajorLayout) -> (hidden: Tensor, state: State)
    /// What one row of a training batch keeps inside the cell (activations and their gradients),
    /// for the model's memory estimate.
    static func activationElementsPerRow(inputCount e: Int, hiddenCount h: Int) -> Double
}

/// makemore.py's `RNNCell`: h_t = tanh(xh_to_h([x_t, h_{t−1}])).
package final class RNNCell: RecurrentCell {
    package static let kind = "rnn"
    /// `xh_to_h`: E + H → H.
    package let inputAndHidden: Linear

    package init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator) {
        inputAndHidden = Linear(inputCount: inputCount + hiddenCount, outputCount: hiddenCount, using: &generator)
    }

    /// The state is the hidden state alone.
    package static func state(start: Tensor) -> Tensor { start }

    /// inputs (N, E) → (N, H), through `elmanRecurrence`.
    package func callAsFunction(_ inputs: Tensor, from state: Tensor, layout: TimeMajorLayout) -> (hidden: Tensor, state: Tensor) {
        let hidden = elmanRecurrence(inputs, weight: inputAndHidden.weight, bias: inputAndHidden.bias!, start: state, layout: layout)
        return (hidden, hidden)
    }

    /// 8 (E + H) per row, the estimate makemore.py's two cells share.
    package static func activationElementsPerRow(inputCount e: Int, hiddenCount h: Int) -> Double { 8 * (Double(e) + Double(h)) }

    package var children: ModuleChildren { [("xh_to_h", inputAndHidden)] }
}

/// makemore.py's `GRUCell`: a reset gate r wipes channels of the previous state before the
/// candidate h̄ is computed from it; an update gate z blends the previous state with h̄.
///
///     r = σ(xh_to_r([x, h]))    h̄ = tanh(xh_to_hbar([x, r ⊙ h]))
///     z = σ(xh_to_z([x, h]))    h' = (1 − z) ⊙ h + z ⊙ h̄
package final class GRUCell: RecurrentCell {
    package static let kind = "gru"
    /// `xh_to_z`: the update gate, E + H → H.
    package let update: Linear
    /// `xh_to_r`: the reset gate, E + H → H.
    package let reset: Linear
    /// `xh_to_hbar`: the candidate state, E + H → H.
    package let candidate: Linear

    /// Layers created in makemore.py's order (z, r, h̄).
    package init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator) {
        update = Linear(inputCount: inputCount + hiddenCount, outputCount: hiddenCount, using: &generator)
        reset = Linear(inputCount: inputCount + hiddenCount, outputCount: hiddenCount, using: &generator)
        candidate = Linear(inputCount: inputCount + hiddenCount, outputCount: hiddenCount, using: &generator)
    }

    /// The state is the hidden state alone.
    package static func state(start: Tensor) -> Tensor { start }

    /// inputs (N, E) → (N, H), through `gatedRecurrence`.
    package func callAsFunction(_ inputs: Tensor, from state: Tensor, layout: TimeMajorLayout) -> (hidden: Tensor, state: Tensor) {
        let hidden = gatedRecurrence(inputs, updateWeight: update.weight, updateBias: update.bias!, resetWeight: reset.weight,
                                     resetBias: reset.bias!, candidateWeight: candidate.weight, candidateBias: candidate.bias!,
                                     start: state, layout: layout)
        return (hidden, hidden)
    }

    /// 8 (E + H) per row, the estimate makemore.py's two cells share.
    package static func activationElementsPerRow(inputCount e: Int, hiddenCount h: Int) -> Double { 8 * (Double(e) + Double(h)) }

    package var children: ModuleChildren { [("xh_to_z", update), ("xh_to_r", reset), ("xh_to_hbar", candidate)] }
}
