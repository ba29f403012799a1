// Recurrent cells (makemore.py's RNNCell and GRUCell) and backpropagation through time over
// rows stored time step by time step: `offsets` (steps + 1) gives step t the rows
// offsets[t]..<offsets[t + 1], one per sequence still running, and row i of step t continues row
// i of step t − 1 (sequences sorted longest first, so those running at t are a prefix of those
// running at t − 1). N = rows (all time steps), E = input width (n_embd), H = hidden width
// (n_embd2), b = sequences running at one step. A cell's weight is makemore.py's `xh_to_*`,
// [H, E + H], acting on the concatenation [x, h]: its first E columns (W_x) multiply the input,
// its last H (W_h) the previous hidden state. The input halves x·W_xᵀ + bias of every step are
// computed up front in one product (`inputProjection`), so a step only multiplies by W_h, and
// the weight gradients are one product over all rows after the backward walk through time.
// Backward kernels ACCUMULATE into parameter and input gradients.

/// c[M, N] (+)= a[M, K] · w[N, K]ᵀ; rows of a are `lda` apart, rows of w `ldw` apart
/// (so a and w may be column blocks of wider matrices)
package func stridedMatmulNT(
    _ a: UnsafePointer<Float>, _ lda: Int, _ w: UnsafePointer<Float>, _ ldw: Int, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, accumulate: Bool
) {
    guard m > 0, n > 0, k > 0 else { return }
    MatmulProblem(a: a, aRowStride: lda, aDepthStride: 1, b: w, bDepthStride: 1, bColumnStride: ldw,
                  c: c, m: m, n: n, k: k, accumulate: accumulate).run(rows: 0..<m)
}

/// c[M, N] (+)= a[M, K] · w[K, N]; rows of a are `lda` apart, rows of w `ldw` apart
package func stridedMatmulNN(
    _ a: UnsafePointer<Float>, _ lda: Int, _ w: UnsafePointer<Float>, _ ldw: Int, _ c: UnsafeMutablePointer<Float>,
    m: Int, n: Int, k: Int, accumulate: Bool
) {
    guard m > 0, n > 0, k > 0 else { return }
    MatmulProblem(a: a, aRowStride: lda, aDepthStride: 1, b: w, bDepthStride: ldw, bColumnStride: 1,
                  c: c, m: m, n: n, k: k, accumulate: accumulate).run(rows: 0..<m)
}

/// out[N, H] = x[N, E] · W_xᵀ + bias[H], W_x = weight[H, E + H] columns 0..<E
package func inputProjection(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>, _ N: Int, _ E: Int, _ H: Int
) {
    stridedMatmulNT(x, E, weight, E &+ H, out, m: N, n: H, k: E, accumulate: false)
    for r in 0..<N { accumulate(out + r &* H, bias, H) }
}

/// dx[N, E] += dpre[N, H] · W_x;  dweight[H, E + H] += dpreᵀ · xh[N, E + H];  dbias[H] += Σ_rows dpre
package func projectionBackward(
    _ dx: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?, _ dbias: UnsafeMutablePointer<Float>?,
    _ dpre: UnsafePointer<Float>, _ xh: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ N: Int, _ E: Int, _ H: Int
) {
    if let dx { stridedMatmulNN(dpre, H, weight, E &+ H, dx, m: N, n: E, k: H, accumulate: true) }
    if let dweight, N > 0 { Matmul.tn(dpre, xh, dweight, m: H, n: E &+ H, k: N, accumulate: true) }
    if let dbias { for r in 0..<N { accumulate(dbias, dpre + r &* H, H) } }
}

// MARK: Elman cell

/// One Elman step, h = tanh([x, hprev]·Wᵀ + bias). On entry h[b, H] holds x·W_xᵀ + bias; on exit
/// h[b, H] = tanh(h + hprev·W_hᵀ). hprev[b, H] has rows `ldh` apart.
package func rnnCellForward(
    _ h: UnsafeMutablePointer<Float>, _ hprev: UnsafePointer<Float>, _ ldh: Int,
    _ weight: UnsafePointer<Float>, _ b: Int, _ E: Int, _ H: Int
) {
    stridedMatmulNT(hprev, ldh, weight + E, E &+ H, h, m: b, n: H, k: H, accumulate: true)
    VectorMath.tanh(h, h, count: b &* H)
}

/// dpre[b, H] = dh ⊙ (1 − h²);  dhprev[b, H] += dpre · W_h
package func rnnCellBackward(
    _ dpre: UnsafeMutablePointer<Float>, _ dhprev: UnsafeMutablePointer<Float>, _ dh: UnsafePointer<Float>,
    _ h: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ b: Int, _ E: Int, _ H: Int
) {
    for i in 0..<(b &* H) { dpre[i] = dh[i] * (1 - h[i] * h[i]) }
    stridedMatmulNN(dpre, H, weight + E, E &+ H, dhprev, m: b, n: H, k: H, accumulate: true)
}

/// h[N, H] = the Elman recurrence over the steps of `offsets`, h₋₁ = start[H] for every sequence;
/// xh[N, E + H] = each row's [x, hprev] (kept for the weight gradient)
package func rnnForward(
    _ h: UnsafeMutablePointer<Float>, _ xh: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ start: UnsafePointer<Float>,
    _ offsets: [Int], _ E: Int, _ H: Int
) {
    let N = offsets[offsets.count - 1]
    copyBlocks(xh, 0, E &+ H, x, 0, E, E, N)
    inputProjection(h, x, weight, bias, N, E, H)
    for t in 0..<(offsets.count - 1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t]
        gatherPreviousHidden(xh, h, start, offsets, t, E, H)
        rnnCellForward(h + o &* H, xh + o &* (E &+ H) + E, E &+ H, weight, b, E, H)
    }
}

/// Backpropagation through time of `rnnForward`. dh[N, H] holds the gradient of the outputs on
/// entry and is used as working memory (each step adds its recurrent gradient into the rows of
/// the step before); dpre[N, H] and scratch[offsets[1], H] are scratch.
package func rnnBackward(
    _ dx: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?, _ dbias: UnsafeMutablePointer<Float>?,
    _ dstart: UnsafeMutablePointer<Float>?, _ dh: UnsafeMutablePointer<Float>, _ dpre: UnsafeMutablePointer<Float>,
    _ scratch: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ xh: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ offsets: [Int], _ E: Int, _ H: Int
) {
    for t in stride(from: offsets.count - 2, through: 0, by: -1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t]
        let dhprev = t > 0 ? dh + offsets[t - 1] &* H : scratch
        if t == 0 { scratch.update(repeating: 0, count: b &* H) }
        rnnCellBackward(dpre + o &* H, dhprev, dh + o &* H, h + o &* H, weight, b, E, H)
    }
    if let dstart, offsets.count > 1 { for i in 0..<offsets[1] { accumulate(dstart, scratch + i &* H, H) } }
    projectionBackward(dx, dweight, dbias, dpre, xh, weight, offsets[offsets.count - 1], E, H)
}

/// Copies the previous hidden state of every row of step t into xh[row, E..<E + H]: the output
/// row of the same sequence at step t − 1, or `start` at step 0.
private func gatherPreviousHidden(
    _ xh: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ start: UnsafePointer<Float>,
    _ offsets: [Int], _ t: Int, _ E: Int, _ H: Int
) {
    let o = offsets[t], b = offsets[t + 1] &- offsets[t]
    if t == 0 {
        copyBlocks(xh, E, E &+ H, start, 0, 0, H, b)
    } else {
        copyBlocks(xh + o &* (E &+ H), E, E &+ H, h, offsets[t - 1] &* H, H, H, b)
    }
}

// MARK: GRU cell

/// One value per GRU gate, in makemore.py's order: the update gate z (`xh_to_z`), the reset
/// gate r (`xh_to_r`) and the candidate h̄ (`xh_to_hbar`).
package struct GRUGates<Value> {
    package var z: Value
    package var r: Value
    package var hbar: Value

    package init(z: Value, r: Value, hbar: Value) {
        self.z = z
        self.r = r
        self.hbar = hbar
    }
}

/// One GRU step. On entry z, r and hbar [b, H] hold their gates' input halves x·W_xᵀ + bias; on
/// exit the activations, with hprev[b, H] rows `ldh` apart and hr[b, H] rows `ldhr` apart:
///     r = σ(r + hprev·W_r,hᵀ)      z = σ(z + hprev·W_z,hᵀ)
///     hr = r ⊙ hprev               h̄ = tanh(h̄ + hr·W_h̄,hᵀ)
///     h[b, H] = (1 − z) ⊙ hprev + z ⊙ h̄
package func gruCellForward(
    _ h: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ r: UnsafeMutablePointer<Float>,
    _ hbar: UnsafeMutablePointer<Float>, _ hr: UnsafeMutablePointer<Float>, _ ldhr: Int,
    _ hprev: UnsafePointer<Float>, _ ldh: Int, _ w: GRUGates<UnsafePointer<Float>>, _ b: Int, _ E: Int, _ H: Int
) {
    let ldw = E &+ H, n = b &* H
    stridedMatmulNT(hprev, ldh, w.r + E, ldw, r, m: b, n: H, k: H, accumulate: true)
    stridedMatmulNT(hprev, ldh, w.z + E, ldw, z, m: b, n: H, k: H, accumulate: true)
    VectorMath.sigmoid(r, r, count: n)
    VectorMath.sigmoid(z, z, count: n)
    for i in 0..<b {
        let rRow = r + i &* H, hp = hprev + i &* ldh, out = hr + i &* ldhr
        for j in 0..<H { out[j] = rRow[j] * hp[j] }
    }
    stridedMatmulNT(hr, ldhr, w.hbar + E, ldw, hbar, m: b, n: H, k: H, accumulate: true)
    VectorMath.tanh(hbar, hbar, count: n)
    for i in 0..<b {
        let row = i &* H, hp = hprev + i &* ldh
        for j in 0..<H { h[row &+ j] = hp[j] + z[row &+ j] * (hbar[row &+ j] - hp[j]) }
    }
}

/// Backward of one GRU step from dh[b, H], the step's whole hidden gradient:
///     dh̄ = dh ⊙ z       dz = dh ⊙ (h̄ − hprev)       dhprev += dh ⊙ (1 − z)
///     dpre_h̄ = dh̄ ⊙ (1 − h̄²)       dhr = dpre_h̄ · W_h̄,h
///     dhprev += dhr ⊙ r              dpre_r = dhr ⊙ hprev ⊙ r(1 − r)
///     dpre_z = dz ⊙ z(1 − z)         dhprev += dpre_z · W_z,h + dpre_r · W_r,h
/// Writes dpreZ, dpreR, dpreHbar [b, H]; accumulates dhprev [b, H]; dhr [b, H] is scratch.
package func gruCellBackward(
    _ dpreZ: UnsafeMutablePointer<Float>, _ dpreR: UnsafeMutablePointer<Float>, _ dpreHbar: UnsafeMutablePointer<Float>,
    _ dhprev: UnsafeMutablePointer<Float>, _ dhr: UnsafeMutablePointer<Float>, _ dh: UnsafePointer<Float>,
    _ z: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ hbar: UnsafePointer<Float>,
    _ hprev: UnsafePointer<Float>, _ ldh: Int, _ w: GRUGates<UnsafePointer<Float>>, _ b: Int, _ E: Int, _ H: Int
) {
    let ldw = E &+ H
    for i in 0..<b {
        let row = i &* H, hp = hprev + i &* ldh
        for j in 0..<H {
            let k = row &+ j, g = dh[k], zk = z[k], hb = hbar[k]
            dpreHbar[k] = g * zk * (1 - hb * hb)
            dpreZ[k] = g * (hb - hp[j]) * zk * (1 - zk)
            dhprev[k] += g * (1 - zk)
        }
    }
    stridedMatmulNN(dpreHbar, H, w.hbar + E, ldw, dhr, m: b, n: H, k: H, accumulate: false)
    for i in 0..<b {
        let row = i &* H, hp = hprev + i &* ldh
        for j in 0..<H {
            let k = row &+ j, rk = r[k]
            dhprev[k] += dhr[k] * rk
            dpreR[k] = dhr[k] * hp[j] * rk * (1 - rk)
        }
    }
    stridedMatmulNN(dpreZ, H, w.z + E, ldw, dhprev, m: b, n: H, k: H, accumulate: true)
    stridedMatmulNN(dpreR, H, w.r + E, ldw, dhprev, m: b, n: H, k: H, accumulate: true)
}

/// h[N, H] = the GRU recurrence over the steps of `offsets`, h₋₁ = start[H] for every sequence.
/// Kept for backward: z, r, hbar [N, H] (the gates), xh[N, E + H] = [x, hprev] and
/// xhr[N, E + H] = [x, r ⊙ hprev] (the inputs of the three weights).
package func gruForward(
    _ h: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ r: UnsafeMutablePointer<Float>,
    _ hbar: UnsafeMutablePointer<Float>, _ xh: UnsafeMutablePointer<Float>, _ xhr: UnsafeMutablePointer<Float>,
    _ x: UnsafePointer<Float>, _ w: GRUGates<UnsafePointer<Float>>, _ biases: GRUGates<UnsafePointer<Float>>, _ start: UnsafePointer<Float>,
    _ offsets: [Int], _ E: Int, _ H: Int
) {
    let N = offsets[offsets.count - 1], ldx = E &+ H
    copyBlocks(xh, 0, ldx, x, 0, E, E, N)
    copyBlocks(xhr, 0, ldx, x, 0, E, E, N)
    inputProjection(z, x, w.z, biases.z, N, E, H)
    inputProjection(r, x, w.r, biases.r, N, E, H)
    inputProjection(hbar, x, w.hbar, biases.hbar, N, E, H)
    for t in 0..<(offsets.count - 1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t], row = o &* H
        gatherPreviousHidden(xh, h, start, offsets, t, E, H)
        gruCellForward(h + row, z + row, r + row, hbar + row, xhr + o &* ldx + E, ldx, xh + o &* ldx + E, ldx, w, b, E, H)
    }
}

/// Backpropagation through time of `gruForward`. dh[N, H] holds the gradient of the outputs on
/// entry and is working memory; dpre[3, N, H] (z, r, h̄ blocks), scratch[2, offsets[1], H] are
/// scratch. Gradients of the weights and biases go to `dweights` / `dbiases` where non-nil.
package func gruBackward(
    _ dx: UnsafeMutablePointer<Float>?, _ dweights: GRUGates<UnsafeMutablePointer<Float>?>, _ dbiases: GRUGates<UnsafeMutablePointer<Float>?>,
    _ dstart: UnsafeMutablePointer<Float>?, _ dh: UnsafeMutablePointer<Float>, _ dpre: UnsafeMutablePointer<Float>,
    _ scratch: UnsafeMutablePointer<Float>, _ z: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
    _ hbar: UnsafePointer<Float>, _ xh: UnsafePointer<Float>, _ xhr: UnsafePointer<Float>,
    _ w: GRUGates<UnsafePointer<Float>>, _ offsets: [Int], _ E: Int, _ H: Int
) {
    let N = offsets[offsets.count - 1], ldx = E &+ H
    let dpreZ = dpre, dpreR = dpre + N &* H, dpreHbar = dpre + 2 &* N &* H
    let dstep0 = scratch, dhr = scratch + (offsets.count > 1 ? offsets[1] : 0) &* H
    for t in stride(from: offsets.count - 2, through: 0, by: -1) {
        let o = offsets[t], b = offsets[t + 1] &- offsets[t], row = o &* H
        let dhprev = t > 0 ? dh + offsets[t - 1] &* H : dstep0
        if t == 0 { dstep0.update(repeating: 0, count: b &* H) }
        gruCellBackward(dpreZ + row, dpreR + row, dpreHbar + row, dhprev, dhr, dh + row,
                        z + row, r + row, hbar + row, xh + o &* ldx + E, ldx, w, b, E, H)
    }
    if let dstart, offsets.count > 1 { for i in 0..<offsets[1] { accumulate(dstart, dstep0 + i &* H, H) } }
    projectionBackward(dx, dweights.z, dbiases.z, dpreZ, xh, w.z, N, E, H)
    projectionBackward(dx, dweights.r, dbiases.r, dpreR, xh, w.r, N, E, H)
    projectionBackward(dx, dweights.hbar, dbiases.hbar, dpreHbar, xhr, w.hbar, N, E, H)
}
