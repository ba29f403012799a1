// Data movement: strided block copies (row views, recurrent states).

/// dst[dstOffset + o·dstStride + j] = src[srcOffset + o·srcStride + j] for o < outer, j < length
package func copyBlocks(
    _ dst: UnsafeMutablePointer<Float>, _ dstOffset: Int, _ dstStride: Int,
    _ src: UnsafePointer<Float>, _ srcOffset: Int, _ srcStride: Int, _ length: Int, _ outer: Int
) {
    for o in 0..<outer {
        (dst + (dstOffset &+ o &* dstStride)).update(from: src + (srcOffset &+ o &* srcStride), count: length)
    }
}

/// dst[dstOffset + o·dstStride + j] += src[srcOffset + o·srcStride + j] for o < outer, j < length
package func accumulateBlocks(
    _ dst: UnsafeMutablePointer<Float>, _ dstOffset: Int, _ dstStride: Int,
    _ src: UnsafePointer<Float>, _ srcOffset: Int, _ srcStride: Int, _ length: Int, _ outer: Int
) {
    for o in 0..<outer {
        accumulate(dst + (dstOffset &+ o &* dstStride), src + (srcOffset &+ o &* srcStride), length)
    }
}
