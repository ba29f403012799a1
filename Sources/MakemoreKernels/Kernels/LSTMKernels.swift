// PyTorch's `nn.LSTMCell` and backpropagation through time over rows stored time step by time
// step, as in `RecurrentKernels.swift`: `offsets` (steps + 1) gives step t the rows
// offsets[t]..<offsets[t + 1], one per sequence still running, and row i of step t continues row
// i of step t − 1 (so the previous step's rows of the running sequences are its first b rows).
// N = rows (all time steps), E = input width, H = hidden width, b = sequences running at one
// step. The gates of a row are 4H pre-activations in PyTorch's order i (input), f (forget),
// g (cell candidate), o (output); weightIH is [4H, E], weightHH [4H, H], each bias [4H].
// The input halves x·W_ihᵀ + b_ih + b_hh of every step are one product up front, so a step only
// multiplies by W_hh, and the weight gradients are one product over all rows after the walk.
// Backward kernels ACCUMULATE into parameter and input gradients.

/// One LSTM step over b rows. On entry gates[b, 4H] hold x·W_ihᵀ + b_ih + b_hh; on exit the
/// activations [i, f, g, o] = [σ, σ, tanh, σ](gates + hprev·W_hhᵀ), and
///     c[b, H] = f ⊙ cprev + i ⊙ g      tanhC[b, H] = tanh(c)      h[b, H] = o ⊙ tanh(c)
/// hprev[b, H] is contiguous; cprev has rows `ldc` apart (0: one row for every sequence).
package func lstmCellForward(
    _ h: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ tanhC: UnsafeMutablePointer<Float>,
    _ gates: UnsafeMutablePointer<Float>, _ hprev: UnsafePointer<Float>, _ cprev: UnsafePointer<Float>, _ ldc: Int,
    _ weightHH: UnsafePointer<Float>, _ b: Int, _ H: Int
) {
    let G = 4 &* H
    stridedMatmulNT(hprev, H, weightHH, H, gates, m: b, n: G, k: H, accumulate: true)
    for i in 0..<b {
        let row = gates + i &* G
        VectorMath.sigmoid(row, row, count: 2 &* H)  // i, f
        VectorMath.tanh(row + 2 &* H, row + 2 &* H, count: H)  // g
        VectorMath.sigmoid(row + 3 &* H, row + 3 &* H, count: H)  // o
        let cRow = c + i &* H, cp = cprev + i &* ldc
        for j in 0..<H { cRow[j] = row[H &+ j] * cp[j] + row[j] * row[2 &* H &+ j] }
    }
    VectorMath.tanh(c, tanhC, count: b &* H)
    for i in 0..<b {
        let o = gates + i &* G + 3 &* H, t = tanhC + i &* H, out = h + i &* H
        for j in 0..<H { out[j] = o[j] * t[j] }
    }
}

/// Backward of one LSTM step from dh[b, H] (the step's whole hidden gradient) and dc[b, H] (the
/// cell-state gradient the next step left, added to here):
///     dc += dh ⊙ o ⊙ (1 − tanh²c)
///     dpre_i = dc ⊙ g ⊙ i(1 − i)       dpre_f = dc ⊙ cprev ⊙ f(1 − f)
///     dpre_g = dc ⊙ i ⊙ (1 − g²)       dpre_o = dh ⊙ tanh c ⊙ o(1 − o)
///     dcprev += dc ⊙ f                 dhprev += dpre · W_hh
/// Writes dpre[b, 4H]; accumulates dhprev[b, H] and, when non-nil, dcprev[b, H] (contiguous).
package func lstmCellBackward(
    _ dpre: UnsafeMutablePointer<Float>, _ dhprev: UnsafeMutablePointer<Float>, _ dcprev: UnsafeMutablePointer<Float>?,
    _ dh: UnsafePointer<Float>, _ dc: UnsafeMutablePointer<Float>, _ gates: UnsafePointer<Float>, _ tanhC: UnsafePointer<Float>,
    _ cprev: UnsafePointer<Float>, _ ldc: Int, _ weightHH: UnsafePointer<Float>, _ b: Int, _ H: Int
) {
    let G = 4 &* H
    for i in 0..<b {
        let gate = gates + i &* G, d = dpre + i &* G, cp = cprev + i &* ldc, row = i &* H
        for j in 0..<H {
            let k = row &+ j, ig = gate[j], fg = gate[H &+ j], gg = gate[2 &* H &+ j], og = gate[3 &* H &+ j], t = tanhC[k]
            let dck = dc[k] + dh[k] * og * (1 - t * t)
            dc[k] = dck
            d[j] = dck * gg * ig * (1 - ig)
            d[H &+ j] = dck * cp[j] * fg * (1 - fg)
            d[2 &* H &+ j] = dck * ig * (1 - gg * gg)
            d[3 &* H &+ j] = dh[k] * t * og * (1 - og)
            if let dcprev { dcprev[k] += dck * fg }
        }
    }
    stridedMatmulNN(dpre, G, weightHH, H, dhprev, m: b, n: H, k: G, accumulate: true)
}

/// h[N, H] and c[N, H]: the LSTM over the steps of `offsets`, h₋₁ = start[H] and c₋₁ =
/// startCell[H] for every sequence. Kept for backward: gates[N, 4H] (activated),
/// tanhC[N, H] and hprev[N, H] (each row's previous hidden state, the input of W_hh).
package func lstmForward(
    _ h: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ gates: UnsafeMutablePointer<Float>,
    _ tanhC: UnsafeMutablePointer<Float>, _ hprev: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
    _ weightIH: UnsafePointer<Float>, _ weightHH: UnsafePointer<Float>, _ biasIH: UnsafePointer<Float>, _ biasHH: UnsafePointer<Float>,
    _ start: UnsafePointer<Float>, _ startCell: UnsafePointer<Float>, _ offsets: [Int], _ E: Int, _ H: Int
) {
    let N = offsets[offsets.count - 1], G = 4 &* H
    stridedMatmulNT(x, E, weightIH, E, gates, m: N, n: G, k: E, accumulate: false)
    for r in 0..<N {
        accumulate(gates + r &* G, biasIH, G)
        accumulate(gates + r &* G, biasHH, G)
    }
    for t in 0..<(offsets.count - 1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t]
        if t == 0 {
            copyBlocks(hprev, 0, H, start, 0, 0, H, b)
        } else {
            (hprev + o &* H).update(from: h + offsets[t - 1] &* H, count: b &* H)
        }
        let (cprev, ldc) = t == 0 ? (startCell, 0) : (UnsafePointer(c + offsets[t - 1] &* H), H)
        lstmCellForward(h + o &* H, c + o &* H, tanhC + o &* H, gates + o &* G, hprev + o &* H, cprev, ldc, weightHH, b, H)
    }
}

/// Backpropagation through time of `lstmForward` (c₋₁ = startCell gets no gradient). dh[N, H] holds the gradient of
/// the outputs on entry and is working memory; dpre[N, 4H], dc[N, H] and scratch[offsets[1], H]
/// are scratch. Gradients go to the non-nil ones of dx, dweightIH, dweightHH, dbiasIH, dbiasHH
/// and dstart (Σ over the first step's rows).
package func lstmBackward(
    _ dx: UnsafeMutablePointer<Float>?, _ dweightIH: UnsafeMutablePointer<Float>?, _ dweightHH: UnsafeMutablePointer<Float>?,
    _ dbiasIH: UnsafeMutablePointer<Float>?, _ dbiasHH: UnsafeMutablePointer<Float>?, _ dstart: UnsafeMutablePointer<Float>?,
    _ dh: UnsafeMutablePointer<Float>, _ dpre: UnsafeMutablePointer<Float>, _ dc: UnsafeMutablePointer<Float>,
    _ scratch: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ gates: UnsafePointer<Float>,
    _ tanhC: UnsafePointer<Float>, _ hprev: UnsafePointer<Float>, _ startCell: UnsafePointer<Float>, _ weightIH: UnsafePointer<Float>,
    _ weightHH: UnsafePointer<Float>, _ offsets: [Int], _ E: Int, _ H: Int
) {
    let N = offsets[offsets.count - 1], G = 4 &* H
    dc.update(repeating: 0, count: N &* H)
    for t in stride(from: offsets.count - 2, through: 0, by: -1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t]
        let first = t == 0, previous = first ? 0 : offsets[t - 1] &* H
        if first { scratch.update(repeating: 0, count: b &* H) }
        lstmCellBackward(dpre + o &* G, first ? scratch : dh + previous, first ? nil : dc + previous, dh + o &* H, dc + o &* H,
                         gates + o &* G, tanhC + o &* H, first ? startCell : c + previous, first ? 0 : H, weightHH, b, H)
    }
    if let dstart, offsets.count > 1 { for i in 0..<offsets[1] { accumulate(dstart, scratch + i &* H, H) } }
    guard N > 0 else { return }
    if let dx { Matmul.nn(dpre, weightIH, dx, m: N, n: E, k: G, accumulate: true) }
    if let dweightIH { Matmul.tn(dpre, x, dweightIH, m: G, n: E, k: N, accumulate: true) }
    if let dweightHH { Matmul.tn(dpre, hprev, dweightHH, m: G, n: H, k: N, accumulate: true) }
    for r in 0..<N {
        if let dbiasIH { accumulate(dbiasIH, dpre + r &* G, G) }
        if let dbiasHH { accumulate(dbiasHH, dpre + r &* G, G) }
    }
}
