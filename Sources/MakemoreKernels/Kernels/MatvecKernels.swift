// A single row through a linear layer: what incremental decoding runs at every step. C = input
// features, OC = output features; weight is [OC, C] as in PyTorch. The blocked product in
// `Matmul` packs the whole weight for every call, which costs more than the product itself
// when there is one row; here each weight row is read once, in place.

/// out[OC] = weight[OC, C] · inp[C] + bias[OC]
package func matvecForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>?, _ C: Int, _ OC: Int
) {
    var o = 0
    while o &+ 4 <= OC {  // four rows at once: independent accumulators, one pass over inp
        let w0 = weight + o &* C, w1 = w0 + C, w2 = w1 + C, w3 = w2 + C
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        while i &+ 16 <= C {
            let x = load(inp, i)
            a0.addProduct(x, load(w0, i))
            a1.addProduct(x, load(w1, i))
            a2.addProduct(x, load(w2, i))
            a3.addProduct(x, load(w3, i))
            i &+= 16
        }
        var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
        while i < C {
            s0 += w0[i] * inp[i]; s1 += w1[i] * inp[i]; s2 += w2[i] * inp[i]; s3 += w3[i] * inp[i]
            i &+= 1
        }
        out[o] = s0; out[o &+ 1] = s1; out[o &+ 2] = s2; out[o &+ 3] = s3
        o &+= 4
    }
    while o < OC {
        out[o] = dot(weight + o &* C, inp, C)
        o &+= 1
    }
    if let bias { accumulate(out, bias, OC) }
}
