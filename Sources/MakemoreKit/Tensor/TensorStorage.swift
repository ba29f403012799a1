/// A flat `Float` buffer borrowed from a `BufferPool` and returned to it on `deinit`.
/// Several tensors (views: reshapes, row slices, detached copies) may share one storage.
final class TensorStorage {
    let pointer: UnsafeMutablePointer<Float>
    /// Number of floats in use (the buffer's capacity may be larger).
    let count: Int
    private let capacity: Int
    /// Where the buffer goes back to; nil for shape-only storage, which has none.
    private let pool: BufferPool?

    /// Storage for `count` floats, zero-filled when `zeroed` (otherwise uninitialised: the
    /// caller must write every element before reading).
    init(count: Int, zeroed: Bool, pool: BufferPool = BufferPool.current) {
        precondition(count >= 0, "negative storage size")
        let (p, c) = pool.take(count: count)
        pointer = p
        capacity = c
        self.count = count
        self.pool = pool
        if zeroed { p.initialize(repeating: 0, count: count) }
    }

    /// Storage that records `count` and holds no values (`Tensor.shapesOnly`): its pointer
    /// must never be read or written.
    init(shapeOnly count: Int) {
        precondition(count >= 0, "negative storage size")
        pointer = TensorStorage.nothing
        capacity = 0
        self.count = count
        pool = nil
    }

    /// The one float every shape-only storage points at.
    private nonisolated(unsafe) static let nothing = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    deinit { pool?.give(pointer, capacity: capacity) }
}
