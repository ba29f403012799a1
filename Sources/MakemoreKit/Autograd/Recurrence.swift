import MakemoreKernels

/// Recurrences over a whole time-major batch, one graph node each: the forward walks the time
/// steps with a fused cell kernel and keeps what the backward needs; the backward walks them in
/// reverse (backpropagation through time) with the cell's hand-derived backward, then computes
/// the weight gradients as one product over all rows. See `RecurrentKernels.swift`.

/// makemore.py's `RNN` with `RNNCell`, every step at once: for each sequence of `layout`
/// h_t = tanh([x_t, h_{t−1}]·Wᵀ + b), with h₋₁ = start.
///
/// inputs (N, E) in `layout`'s time-major order, weight (H, E + H), bias (H), start (1, H)
/// → hidden states (N, H) in the same order.
///
/// Backward, step by step from the last: dpre_t = dh_t ⊙ (1 − h_t²), dh_{t−1} += dpre_t·W_h
/// (dstart += Σ_rows dpre₀·W_h); then ∂W += dpreᵀ·[x, hprev], ∂b += Σ dpre, ∂x += dpre·W_x.
package func elmanRecurrence(_ inputs: Tensor, weight: Tensor, bias: Tensor, start: Tensor, layout: TimeMajorLayout) -> Tensor {
    let (n, e, h) = recurrenceShapes(inputs, weight: weight, bias: bias, start: start, layout: layout)
    let out = Tensor(uninitializedShape: [n, h])
    let xh = Tensor(uninitializedShape: [n, e + h])  // [x, hprev] per row, for ∂W
    rnnForward(out.data, xh.data, inputs.data, weight.data, bias.data, start.data, layout.offsets, e, h)
    out.record(inputs: [inputs, weight, bias, start]) { out in
        let dh = Tensor(shape: [n, h], values: out.gradValues!)
        let dpre = Tensor(uninitializedShape: [n, h]), scratch = Tensor(uninitializedShape: [layout.batchSizes.first ?? 0, h])
        rnnBackward(inputs.gradDataIfRequired, weight.gradDataIfRequired, bias.gradDataIfRequired, start.gradDataIfRequired,
                    dh.data, dpre.data, scratch.data, out.data, xh.data, weight.data, layout.offsets, e, h)
    }
    return out
}

/// makemore.py's `RNN` with `GRUCell`, every step at once: for each sequence of `layout`
///
///     r = σ([x, hprev]·W_rᵀ + b_r)          z = σ([x, hprev]·W_zᵀ + b_z)
///     h̄ = tanh([x, r ⊙ hprev]·W_h̄ᵀ + b_h̄)    h = (1 − z) ⊙ hprev + z ⊙ h̄
///
/// with hprev = start at the first step. inputs (N, E) in `layout`'s time-major order, each
/// weight (H, E + H), each bias (H), start (1, H) → hidden states (N, H) in the same order.
///
/// Backward: through time with `gruCellBackward` (its doc comment has the derivation), then
/// ∂W_z += dpre_zᵀ·[x, hprev], ∂W_r += dpre_rᵀ·[x, hprev], ∂W_h̄ += dpre_h̄ᵀ·[x, r ⊙ hprev],
/// ∂b = Σ_rows dpre, ∂x += Σ_gates dpre·W_x.
package func gatedRecurrence(
    _ inputs: Tensor, updateWeight: Tensor, updateBias: Tensor, resetWeight: Tensor, resetBias: Tensor,
    candidateWeight: Tensor, candidateBias: Tensor, start: Tensor, layout: TimeMajorLayout
) -> Tensor {
    let (n, e, h) = recurrenceShapes(inputs, weight: updateWeight, bias: updateBias, start: start, layout: layout)
    for (w, b) in [(resetWeight, resetBias), (candidateWeight, candidateBias)] {
        precondition(w.shape == updateWeight.shape && b.shape == updateBias.shape, "GRU gates differ in shape")
    }
    let out = Tensor(uninitializedShape: [n, h])
    let gates = Tensor(uninitializedShape: [3, n, h])  // z, r, h̄
    let xh = Tensor(uninitializedShape: [n, e + h]), xhr = Tensor(uninitializedShape: [n, e + h])
    let weights = { GRUGates<UnsafePointer<Float>>(z: updateWeight.data, r: resetWeight.data, hbar: candidateWeight.data) }
    let biases = GRUGates<UnsafePointer<Float>>(z: updateBias.data, r: resetBias.data, hbar: candidateBias.data)
    gruForward(out.data, gates.data, gates.data + n * h, gates.data + 2 * n * h, xh.data, xhr.data, inputs.data,
               weights(), biases, start.data, layout.offsets, e, h)
    out.record(inputs: [inputs, updateWeight, updateBias, resetWeight, resetBias, candidateWeight, candidateBias, start]) { out in
        let dh = Tensor(shape: [n, h], values: out.gradValues!)
        let dpre = Tensor(uninitializedShape: [3, n, h]), scratch = Tensor(uninitializedShape: [2, layout.batchSizes.first ?? 0, h])
        let dweights = GRUGates(z: updateWeight.gradDataIfRequired, r: resetWeight.gradDataIfRequired, hbar: candidateWeight.gradDataIfRequired)
        let dbiases = GRUGates(z: updateBias.gradDataIfRequired, r: resetBias.gradDataIfRequired, hbar: candidateBias.gradDataIfRequired)
        gruBackward(inputs.gradDataIfRequired, dweights, dbiases, start.gradDataIfRequired, dh.data, dpre.data, scratch.data,
                    gates.data, gates.data + n * h, gates.data + 2 * n * h, xh.data, xhr.data, weights(), layout.offsets, e, h)
    }
    return out
}

/// (rows N, input width E, hidden width H) after checking the shapes of a recurrence.
private func recurrenceShapes(_ inputs: Tensor, weight: Tensor, bias: Tensor, start: Tensor, layout: TimeMajorLayout) -> (Int, Int, Int) {
    precondition(inputs.shape.count == 2 && inputs.shape[0] == layout.rows, "inputs must be (\(layout.rows), E), got \(inputs.shape)")
    let (n, e) = (inputs.shape[0], inputs.shape[1])
    precondition(weight.shape.count == 2 && weight.shape[1] > e, "weight must be (H, \(e) + H), got \(weight.shape)")
    let h = weight.shape[0]
    precondition(weight.shape[1] == e + h, "weight must be (\(h), \(e + h)), got \(weight.shape)")
    precondition(bias.shape == [h] && start.count == h, "bias must be (\(h)) and start (1, \(h)), got \(bias.shape) and \(start.shape)")
    return (n, e, h)
}
