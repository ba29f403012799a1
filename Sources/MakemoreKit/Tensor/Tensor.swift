import MakemoreKernels

/// An n-dimensional array of `Float` in contiguous row-major order, and a node of the autograd
/// graph (see `Autograd/Graph.swift` for `backward()` and the inference mode).
///
/// A tensor is a reference: views made by `reshaped`, `rows` and `detached` share its storage.
/// Gradients live in a separate buffer, allocated the first time one is needed: zero-filled for
/// kernels that add into it, uninitialised for those that write their first contribution.
public final class Tensor {
    /// Dimensions, outermost first. A scalar has shape `[]` or `[1]`.
    public let shape: [Int]
    /// Number of elements, the product of `shape`.
    public let count: Int
    /// Where the elements live; replaced only by `shareValues(of:)`. (Exclusivity is not checked
    /// at run time: every element access reads this, and nothing writes it while ops run.)
    @exclusivity(unchecked) private(set) var storage: TensorStorage
    /// First element of this tensor inside `storage` (non-zero for row slices).
    @exclusivity(unchecked) private(set) var offset: Int
    var gradStorage: TensorStorage?
    /// Whether `gradStorage` is to be read as zeros: `zeroGrad()` sets this instead of filling
    /// the buffer, so that the next backward's first contribution overwrites it
    /// (`gradForWriting`); anything else that reads the buffer fills it with zeros first.
    private var gradIsPendingZero = false

    /// Whether `backward()` computes a gradient for this tensor: set for parameters at creation,
    /// and by each op for its output when recording is on and some input requires a gradient.
    public internal(set) var requiresGrad: Bool
    /// Inputs that require a gradient (empty for leaves and for outputs of unrecorded ops).
    var parents: [Tensor] = []
    /// Pushes this node's gradient into its parents' gradients, accumulating. It receives the
    /// node itself, so it captures only inputs and caches, never its output: no reference cycle.
    var backwardFunction: ((Tensor) -> Void)?
    /// Set on the nodes `topologicalOrder()` has reached, and cleared again before it returns.
    @exclusivity(unchecked) var isReached = false

    /// A tensor over existing storage (a view when the storage is shared).
    init(shape: [Int], storage: TensorStorage, offset: Int = 0, requiresGrad: Bool = false) {
        let count = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + count <= storage.count, "view out of bounds")
        self.shape = shape
        self.count = count
        self.storage = storage
        self.offset = offset
        self.requiresGrad = requiresGrad
    }

    /// Tears the graph down iteratively: ARC's recursive release of a long chain of nodes
    /// (an RNN unrolled over many steps, thousands of ops) could overflow the stack.
    deinit {
        guard !parents.isEmpty else { return }
        var pending = parents
        parents = []
        backwardFunction = nil  // drop the closure's references to the inputs first
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) {  // dies at the end of this iteration
                pending.append(contentsOf: node.parents)
                node.parents = []
                node.backwardFunction = nil
            }
        }
    }

    /// A tensor whose every element will be written by the caller before it is read.
    convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: Tensor.elementCount(shape), zeroed: false))
    }

    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }

    // MARK: Creation

    /// A tensor holding `values` (row-major) in the given shape.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) {
        precondition(Tensor.elementCount(shape) == values.count,
                     "\(values.count) values do not fill shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(count: values.count, zeroed: false),
                  requiresGrad: requiresGrad)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { data.update(from: base, count: values.count) }
        }
    }

    /// A scalar tensor of shape `[]`.
    public convenience init(_ scalar: Float, requiresGrad: Bool = false) {
        self.init(shape: [], values: [scalar], requiresGrad: requiresGrad)
    }

    public static func zeros(shape: [Int], requiresGrad: Bool = false) -> Tensor {
        if shapesOnly { return shapeOnly(shape, requiresGrad: requiresGrad) }
        return Tensor(shape: shape, storage: TensorStorage(count: elementCount(shape), zeroed: true),
                      requiresGrad: requiresGrad)
    }

    public static func ones(shape: [Int], requiresGrad: Bool = false) -> Tensor {
        filled(shape: shape, value: 1, requiresGrad: requiresGrad)
    }

    public static func filled(shape: [Int], value: Float, requiresGrad: Bool = false) -> Tensor {
        if shapesOnly { return shapeOnly(shape, requiresGrad: requiresGrad) }
        let t = Tensor(uninitializedShape: shape)
        t.data.update(repeating: value, count: t.count)
        t.requiresGrad = requiresGrad
        return t
    }

    /// A tensor whose values are `values()`, computed unless only shapes are being built.
    static func computed(shape: [Int], requiresGrad: Bool = false, _ values: () -> [Float]) -> Tensor {
        shapesOnly ? shapeOnly(shape, requiresGrad: requiresGrad) : Tensor(shape: shape, values: values(), requiresGrad: requiresGrad)
    }

    // MARK: Shapes only

    /// While true (inside `withShapesOnly`), the creators a module's initialiser uses (`zeros`,
    /// `ones`, `filled`, `normal`, `uniform`, `computed`) make tensors with a shape and no
    /// values, as PyTorch's `meta` device does: a model is built to know its state's size
    /// without allocating it or drawing its initial values.
    @TaskLocal static var shapesOnly = false

    /// `body` with `shapesOnly` set: what it builds must only be measured, never computed with.
    static func withShapesOnly<R>(_ body: () throws -> R) rethrows -> R {
        try $shapesOnly.withValue(true, operation: body)
    }

    /// A tensor of `shape` with no values behind it.
    static func shapeOnly(_ shape: [Int], requiresGrad: Bool) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(shapeOnly: elementCount(shape)), requiresGrad: requiresGrad)
    }

    // MARK: Reading and writing values

    /// First element of the data (internal: only kernels and their callers use it).
    var data: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// The gradient buffer, allocated zero-filled on first use.
    var gradData: UnsafeMutablePointer<Float> {
        if let g = gradStorage {
            if gradIsPendingZero {
                g.pointer.update(repeating: 0, count: count)
                gradIsPendingZero = false
            }
            return g.pointer
        }
        let g = TensorStorage(count: count, zeroed: true)
        gradStorage = g
        return g.pointer
    }

    /// The gradient buffer when this tensor requires a gradient, else nil (backward kernels
    /// skip nil gradients).
    var gradDataIfRequired: UnsafeMutablePointer<Float>? { requiresGrad ? gradData : nil }

    /// The gradient buffer for a backward kernel that writes every one of its elements: on the
    /// first contribution a new, uninitialised buffer and `accumulate == false` (the kernel
    /// overwrites it: no zero-fill, and no read of zeros), afterwards the existing buffer and
    /// `accumulate == true` (the kernel adds). Writing x where the zero-filled buffer would
    /// have held 0 + x gives the same bits (up to the sign of a zero).
    /// Fetch it right before the kernel that writes it: a second fetch before that kernel ran
    /// would be told to accumulate onto uninitialised memory.
    var gradForWriting: GradientTarget {
        if let g = gradStorage {
            defer { gradIsPendingZero = false }
            return GradientTarget(pointer: g.pointer, accumulate: !gradIsPendingZero)
        }
        let g = TensorStorage(count: count, zeroed: false)
        gradStorage = g
        return GradientTarget(pointer: g.pointer, accumulate: false)
    }

    /// The gradient buffer if one is allocated (zero-filled first if it is pending zero), else nil.
    var gradDataIfAllocated: UnsafeMutablePointer<Float>? { gradStorage == nil ? nil : gradData }

    /// `gradForWriting` when this tensor requires a gradient, else nil.
    var gradForWritingIfRequired: GradientTarget? { requiresGrad ? gradForWriting : nil }

    /// A copy of the elements, row-major.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        return data[0]
    }

    /// A copy of the gradient, or `nil` if none has been computed or allocated.
    public var gradValues: [Float]? {
        gradDataIfAllocated.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Sets the gradient to zero, keeping its buffer for reuse. The buffer is not filled here:
    /// it is marked, and the next contribution overwrites it (or a reader fills it with zeros),
    /// so a training step does not write its parameters' gradients twice.
    public func zeroGrad() {
        if gradStorage != nil { gradIsPendingZero = true }
    }

    /// Adds `values` to the gradient (allocating it if needed).
    func accumulateGrad(_ values: [Float]) {
        precondition(values.count == count)
        let g = gradData
        for i in 0..<count { g[i] += values[i] }
    }

    /// Drops the gradient buffer, returning it to the pool.
    package func releaseGrad() {
        gradStorage = nil
        gradIsPendingZero = false
    }

    /// Overwrites the elements in place (e.g. loading a checkpoint). Shared views see the change.
    package func copy(from values: [Float]) {
        precondition(values.count == count, "expected \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { data.update(from: base, count: count) }
        }
    }

    /// Moves these values, in place, a `momentum` share of the way towards `scale`·`batch`:
    /// `self = (1 − momentum)·self + momentum·scale·batch` (BatchNorm's running statistics).
    package func moveAverage(toward batch: Tensor, momentum: Float, scale: Float = 1) {
        precondition(batch.count == count, "expected \(count) values, got \(batch.count)")
        movingAverage(data, batch.data, count, momentum: momentum, scale: scale)
    }

    /// Exchanges the elements, in place, with those of a tensor of the same element count.
    func swapValues(with other: Tensor) {
        precondition(other.count == count, "expected \(count) values, got \(other.count)")
        MakemoreKernels.swapValues(data, other.data, count)
    }

    /// Makes this tensor's elements those of `other` (same shape): from now on both read and
    /// write one buffer, so a change to either is seen by both. Views made from this tensor
    /// before the call keep the old buffer. The gradient stays this tensor's own.
    package func shareValues(of other: Tensor) {
        precondition(other.shape == shape, "expected shape \(shape), got \(other.shape)")
        storage = other.storage
        offset = other.offset
    }

    /// Overwrites the elements in place with those of a tensor of the same element count.
    package func copy(from other: Tensor) {
        precondition(other.count == count, "expected \(count) values, got \(other.count)")
        if other.data != data { data.update(from: other.data, count: count) }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = count <= 8 ? values.map { "\($0)" }.joined(separator: ", ")
            : values.prefix(8).map { "\($0)" }.joined(separator: ", ") + ", …"
        return "Tensor(shape: \(shape), [\(shown)]\(requiresGrad ? ", requiresGrad" : ""))"
    }
}
