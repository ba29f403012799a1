import Foundation

/// One 64-byte-aligned scratch buffer of `Float`s per thread for kernels that pack operands.
///
/// `withUnsafeTemporaryAllocation` would be the natural tool, but on Linux it falls back to the
/// heap for anything over 1 KiB (the runtime cannot prove the stack is deep enough), i.e. a
/// malloc per call. This buffer is allocated on a thread's first use, bound to `Float` there,
/// and freed when the thread exits (`Platform.makeThreadKeyDeallocatingValues`); it is never
/// shared between threads, so concurrent kernel calls are safe. Not reentrant: a kernel must not
/// call another kernel while it holds the buffer.
package enum ThreadScratch {
    /// Floats per thread: a packed 256×32 panel of B plus one 8×32 edge tile of C.
    package static let floatCount = 256 * 32 + 8 * 32

    private static let key = Platform.makeThreadKeyDeallocatingValues()

    /// This thread's buffer of `floatCount` floats (bound to `Float` when it was allocated).
    package static var buffer: UnsafeMutablePointer<Float> {
        if let buffer = pthread_getspecific(key) { return buffer.assumingMemoryBound(to: Float.self) }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: floatCount * MemoryLayout<Float>.stride, alignment: 64)
        let buffer = raw.bindMemory(to: Float.self, capacity: floatCount)
        pthread_setspecific(key, raw)
        return buffer
    }
}
