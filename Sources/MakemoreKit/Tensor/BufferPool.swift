import Foundation

/// A thread-safe cache of `Float` buffers in power-of-two size classes.
///
/// A training step rebuilds the same graph every iteration; when a step's tensors die, their
/// buffers come back here (see `TensorStorage.deinit`) and the next step takes them again, so
/// a warmed-up training loop stops calling `malloc` for activations and gradients.
///
/// `BufferPool.current` (a task-local, `BufferPool.shared` by default) is the pool new storage
/// draws from; a storage remembers its pool and returns its buffer there. Task-locals do not
/// reach threads started by `DispatchQueue.concurrentPerform`: those use `shared`.
package final class BufferPool: @unchecked Sendable {
    /// Counters for tests and benchmarks.
    package struct Statistics: Sendable, Equatable {
        /// Buffers obtained from the system allocator.
        package var allocations = 0
        /// Requests served from the cache.
        package var reuses = 0
        /// Buffers currently cached (not in use).
        package var cachedBuffers = 0
        /// Bytes currently cached.
        package var cachedBytes = 0
    }

    /// The process-wide pool.
    package static let shared = BufferPool()

    /// The pool new tensor storage comes from in the current task.
    @TaskLocal package static var current: BufferPool = .shared

    /// Above this many cached bytes, returned buffers are freed instead of cached.
    package let maximumCachedBytes: Int

    private let lock = NSLock()
    private var buckets: [[UnsafeMutablePointer<Float>]] = Array(repeating: [], count: 64)
    private var stats = Statistics()

    package init(maximumCachedBytes: Int = 1 << 30) {
        self.maximumCachedBytes = maximumCachedBytes
    }

    deinit {
        for bucket in buckets { for p in bucket { p.deallocate() } }
    }

    package var statistics: Statistics {
        lock.lock(); defer { lock.unlock() }
        return stats
    }

    /// The capacity actually handed out for a request of `count` floats.
    static func capacity(for count: Int) -> Int { 1 << sizeClass(for: count) }

    private static func sizeClass(for count: Int) -> Int {
        count <= 16 ? 4 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    /// A 64-byte aligned, uninitialised buffer of at least `count` floats.
    func take(count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let sizeClass = Self.sizeClass(for: count)
        let capacity = 1 << sizeClass
        lock.lock()
        if let pointer = buckets[sizeClass].popLast() {
            stats.reuses += 1
            stats.cachedBuffers -= 1
            stats.cachedBytes -= capacity * MemoryLayout<Float>.stride
            lock.unlock()
            return (pointer, capacity)
        }
        stats.allocations += 1
        lock.unlock()
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    /// Returns a buffer obtained from `take` with the given capacity.
    func give(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        lock.lock()
        if stats.cachedBytes + bytes <= maximumCachedBytes {
            buckets[Self.sizeClass(for: capacity)].append(pointer)
            stats.cachedBuffers += 1
            stats.cachedBytes += bytes
            lock.unlock()
        } else {
            lock.unlock()
            pointer.deallocate()
        }
    }
}
