/// A recurrent cell of makemore.py, run over every time step of a batch in one op.
package protocol RecurrentCell: Module {
    /// makemore.py's `--type` for a model with this cell (`rnn`, `gru`).
    static var kind: String { get }
    /// A cell from `inputCount` input features to `hiddenCount` hidden features, PyTorch's
    /// default `nn.Linear` initialisation.
    init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator)
    /// inputs (N, E) in `layout`'s time-major order → hidden states (N, H) in the same order,
    /// every sequence starting from the state `start` (1, H).
    func callAsFunction(_ inputs: Tensor, start: Tensor, layout: TimeMajorLayout) -> Tensor
}

/// makemore.py's `RNNCell`: h_t = tanh(xh_to_h([x_t, h_{t−1}])).
package final class RNNCell: RecurrentCell {
    package static let kind = "rnn"
    /// `xh_to_h`: E + H → H.
    package let inputAndHidden: Linear

    package init(inputCount: Int, hiddenCount: Int, using generator: inout RandomGenerator) {
        inputAndHidden = Linear(inputCount: inputCount + hiddenCount, outputCount: hiddenCount, using: &generator)
    }

    /// inputs (N, E) → (N, H), through `elmanRecurrence`.
    package func callAsFunction(_ inputs: Tensor, start: Tensor, layout: TimeMajorLayout) -> Tensor {
        elmanRecurrence(inputs, weight: inputAndHidden.weight, bias: inputAndHidden.bias!, start: start, layout: layout)
    }

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

    /// inputs (N, E) → (N, H), through `gatedRecurrence`.
    package func callAsFunction(_ inputs: Tensor, start: Tensor, layout: TimeMajorLayout) -> Tensor {
        gatedRecurrence(inputs, updateWeight: update.weight, updateBias: update.bias!, resetWeight: reset.weight,
                        resetBias: reset.bias!, candidateWeight: candidate.weight, candidateBias: candidate.bias!,
                        start: start, layout: layout)
    }

    package var children: ModuleChildren { [("xh_to_z", update), ("xh_to_r", reset), ("xh_to_hbar", candidate)] }
}
