import MakemoreKernels

/// PyTorch's `nn.LSTMCell` over every step of a time-major batch, one graph node: for each
/// sequence of `layout`, with h₋₁ = start and c₋₁ = startCell (zeros when nil),
///
///     [i, f, g, o] = [σ, σ, tanh, σ](x·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
///     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)
///
/// inputs (N, E) in `layout`'s time-major order, weightIH (4H, E), weightHH (4H, H), biases (4H)
/// with the gates in PyTorch's order i, f, g, o; start and startCell (1, H) → the hidden states
/// (N, H), tracked, and the cell states (N, H), not tracked (what decoding carries forward).
///
/// Backward: through time with `lstmCellBackward` (its doc comment has the derivation), then
/// ∂W_ih += dpreᵀ·x, ∂W_hh += dpreᵀ·hprev, ∂b_ih = ∂b_hh += Σ_rows dpre, ∂x += dpre·W_ih,
/// ∂start += Σ over the first step of its recurrent gradient. startCell gets no gradient.
package func lstmRecurrence(
    _ inputs: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor, start: Tensor, startCell: Tensor? = nil,
    layout: TimeMajorLayout
) -> (hidden: Tensor, cell: Tensor) {
    precondition(inputs.shape.count == 2 && inputs.shape[0] == layout.rows, "inputs must be (\(layout.rows), E), got \(inputs.shape)")
    let (n, e) = (inputs.shape[0], inputs.shape[1])
    precondition(weightHH.shape.count == 2 && weightHH.shape[0] == 4 * weightHH.shape[1], "weight_hh must be (4H, H), got \(weightHH.shape)")
    let h = weightHH.shape[1]
    precondition(weightIH.shape == [4 * h, e], "weight_ih must be (\(4 * h), \(e)), got \(weightIH.shape)")
    precondition(biasIH.shape == [4 * h] && biasHH.shape == [4 * h], "biases must be (\(4 * h)), got \(biasIH.shape) and \(biasHH.shape)")
    let startCell = startCell ?? .zeros(shape: [1, h])
    precondition(start.count == h && startCell.count == h, "start states must be (1, \(h)), got \(start.shape) and \(startCell.shape)")
    let out = Tensor(uninitializedShape: [n, h]), cell = Tensor(uninitializedShape: [n, h])
    let gates = Tensor(uninitializedShape: [n, 4 * h]), tanhC = Tensor(uninitializedShape: [n, h])
    let hprev = Tensor(uninitializedShape: [n, h])
    lstmForward(out.data, cell.data, gates.data, tanhC.data, hprev.data, inputs.data, weightIH.data, weightHH.data, biasIH.data,
                biasHH.data, start.data, startCell.data, layout.offsets, e, h)
    out.record(inputs: [inputs, weightIH, weightHH, biasIH, biasHH, start]) { out in
        let dh = Tensor(shape: [n, h], values: out.gradValues!)
        let dpre = Tensor(uninitializedShape: [n, 4 * h]), dc = Tensor(uninitializedShape: [n, h])
        let scratch = Tensor(uninitializedShape: [layout.batchSizes.first ?? 0, h])
        lstmBackward(inputs.gradDataIfRequired, weightIH.gradDataIfRequired, weightHH.gradDataIfRequired, biasIH.gradDataIfRequired,
                     biasHH.gradDataIfRequired, start.gradDataIfRequired, dh.data, dpre.data, dc.data, scratch.data, inputs.data,
                     cell.data, gates.data, tanhC.data, hprev.data, startCell.data, weightIH.data, weightHH.data, layout.offsets, e, h)
    }
    return (out, cell)
}
