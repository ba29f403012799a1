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

/// dinp[N, C] += dout · weight;  dweight[OC, C] += doutᵀ · inp;  dbias[OC] += Σ_rows dout
package func linearBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?,
    _ dbias: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, _ N: Int, _ C: Int, _ OC: Int
) {
    if let dinp { Matmul.nn(dout, weight, dinp, m: N, n: C, k: OC, accumulate: true) }
    if let dweight { Matmul.tn(dout, inp, dweight, m: OC, n: C, k: N, accumulate: true) }
    if let dbias {
        for r in 0..<N { accumulate(dbias, dout + r &* OC, OC) }
    }
}
