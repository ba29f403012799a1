// Data movement: permutation of axes and strided block copies (concatenation, slicing).

/// out = inp with axes permuted: out.shape[i] = shape[order[i]] (shape = inp's shape)
func permuteForward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ shape: [Int], _ order: [Int]) {
    permuteWalk(shape, order) { o, i, n, s in
        for j in 0..<n { out[o &+ j] = inp[i &+ j &* s] }
    }
}

/// dinp (shape) += dout permuted back
func permuteBackward(_ dinp: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ shape: [Int], _ order: [Int]) {
    permuteWalk(shape, order) { o, i, n, s in
        for j in 0..<n { dinp[i &+ j &* s] += dout[o &+ j] }
    }
}

/// Visits the permuted output in row-major order one innermost row at a time, calling
/// `row(outOffset, inOffset, rowLength, inStride)`.
private func permuteWalk(_ shape: [Int], _ order: [Int], _ row: (Int, Int, Int, Int) -> Void) {
    let rank = shape.count
    var inStrides = [Int](repeating: 1, count: rank)
    for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * shape[d + 1] }
    let outShape = order.map { shape[$0] }
    let strides = order.map { inStrides[$0] }  // input stride of each output axis
    let total = shape.reduce(1, *)
    guard total > 0 else { return }
    guard rank > 0 else { row(0, 0, 1, 1); return }
    let n = outShape[rank - 1], s = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var inOffset = 0, outOffset = 0
    while outOffset < total {
        row(outOffset, inOffset, n, s)
        outOffset += n
        var d = rank - 2
        while d >= 0 {
            index[d] += 1
            inOffset += strides[d]
            if index[d] < outShape[d] { break }
            inOffset -= strides[d] * outShape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// dst[dstOffset + o·dstStride + j] = src[srcOffset + o·srcStride + j] for o < outer, j < length
func copyBlocks(
    _ dst: UnsafeMutablePointer<Float>, _ dstOffset: Int, _ dstStride: Int,
    _ src: UnsafePointer<Float>, _ srcOffset: Int, _ srcStride: Int, _ length: Int, _ outer: Int
) {
    for o in 0..<outer {
        (dst + (dstOffset &+ o &* dstStride)).update(from: src + (srcOffset &+ o &* srcStride), count: length)
    }
}

/// dst[dstOffset + o·dstStride + j] += src[srcOffset + o·srcStride + j] for o < outer, j < length
func accumulateBlocks(
    _ dst: UnsafeMutablePointer<Float>, _ dstOffset: Int, _ dstStride: Int,
    _ src: UnsafePointer<Float>, _ srcOffset: Int, _ srcStride: Int, _ length: Int, _ outer: Int
) {
    for o in 0..<outer {
        accumulate(dst + (dstOffset &+ o &* dstStride), src + (srcOffset &+ o &* srcStride), length)
    }
}
