// The linear layer over `Matmul` (the fast kernels). N = rows, C = input
// features, OC = output features; weight is [OC, C] as in PyTorch.

/// out[N, OC] = inp[N, C] · weight[OC, C]ᵀ + bias[OC]
package func linearForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>?, _ N: Int, _ C: Int, _ OC: Int
) {
    if N == 1 { return matvecForward(out, inp, weight, bias, C, OC) }
    Matmul.nt(inp, weight, out, m: N, n: OC, k: C)
    if let bias {
        for r in 0..<N { accumulate(out + r &* OC, bias, OC) }
    }
}

/// dinp[N, C] (+)= dout · weight  (`+=` when `dinp.accumulate`, else `=`)
package func linearBackwardInput(
    _ dinp: GradientTarget, _ dout: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ N: Int, _ C: Int, _ OC: Int
) {
    Matmul.nn(dout, weight, dinp.pointer, m: N, n: C, k: OC, accumulate: dinp.accumulate)
}

/// dweight[OC, C] (+)= doutᵀ · inp
package func linearBackwardWeight(
    _ dweight: GradientTarget, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ N: Int, _ C: Int, _ OC: Int
) {
    Matmul.tn(dout, inp, dweight.pointer, m: OC, n: C, k: N, accumulate: dweight.accumulate)
}

/// dbias[OC] (+)= Σ_rows dout, the rows added in order (a first write starts from row 0)
package func linearBackwardBias(_ dbias: GradientTarget, _ dout: UnsafePointer<Float>, _ N: Int, _ OC: Int) {
    sumRows(dbias, dout, N, OC)
}
