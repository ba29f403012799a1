#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// One 64-byte-aligned scratch buffer per thread for kernels that pack operands.
///
/// `withUnsafeTemporaryAllocation` would be the natural tool, but on Linux it falls back to the
/// heap for anything over 1 KiB (the runtime cannot prove the stack is deep enough), i.e. a
/// malloc per call. This buffer is allocated on a thread's first use and freed when the thread
/// exits; it is never shared between threads, so concurrent kernel calls are safe. Not
/// reentrant: a kernel must not call another kernel while it holds the buffer.
package enum ThreadScratch {
    /// Bytes per thread: a packed 256×32 panel of B plus one 8×32 edge tile of C.
    package static let byteCount = (256 * 32 + 8 * 32) * MemoryLayout<Float>.stride

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { buffer in buffer?.deallocate() }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's buffer of `byteCount` bytes.
    package static var buffer: UnsafeMutableRawPointer {
        if let buffer = pthread_getspecific(key) { return buffer }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        pthread_setspecific(key, buffer)
        return buffer
    }
}
