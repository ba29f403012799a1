import MakemoreKernels

/// The reverse-mode engine: recording, the inference mode and `backward()`.
///
/// Every op computes its output eagerly, then calls `record(inputs:backward:)`. When recording
/// is on and some input requires a gradient, the output keeps its inputs as `parents` and the
/// op's backward closure; otherwise it is a plain constant. `backward()` sorts the recorded
/// graph topologically (iteratively, so deep graphs cannot overflow the stack) and runs the
/// closures from the loss back to the leaves. Every closure *accumulates* into its inputs'
/// gradients, so a tensor used twice receives the sum of both contributions; the hot ones write
/// a gradient's first contribution instead of adding it to a zero-filled buffer
/// (`Tensor.gradForWriting`), which gives the same values.
extension Tensor {
    /// Whether ops called here record a graph (false inside `withoutGradient`).
    @TaskLocal static var isRecording = true

    /// Runs `body` without recording any graph: outputs have no parents and require no
    /// gradient. Use for evaluation and sampling. (Task-local: threads started by
    /// `DispatchQueue.concurrentPerform` inside `body` record again.)
    public static func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
        try $isRecording.withValue(false, operation: body)
    }

    /// Marks `self`, the output of an op on `inputs`, as a graph node when recording is on and
    /// some input requires a gradient. `backward` receives `self` (its gradient exists when it
    /// runs) and must accumulate into the gradients of the inputs that require one.
    func record(inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        guard Tensor.isRecording else { return }
        // Usually every input is tracked: keep the array as it is rather than filter a copy.
        let tracked = inputs.allSatisfy(\.requiresGrad) ? inputs : inputs.filter(\.requiresGrad)
        guard !tracked.isEmpty else { return }
        requiresGrad = true
        parents = tracked
        backwardFunction = backward
    }

    /// A tensor sharing this one's data, outside the graph: it requires no gradient and no
    /// gradient flows through it.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: offset)
    }

    /// Backpropagates from this one-element tensor (the loss), seeding its gradient with 1.
    /// Leaf gradients accumulate across calls until `zeroGrad()`; gradients of intermediate
    /// nodes are recomputed from zero on each call.
    public func backward() {
        precondition(count == 1, "backward() needs a one-element tensor, shape is \(shape)")
        backward(seed: [1])
    }

    /// Backpropagates from this tensor with the given output gradient (vector-Jacobian product).
    public func backward(seed: [Float]) {
        precondition(requiresGrad, "backward() on a tensor that does not require a gradient")
        precondition(seed.count == count, "seed has \(seed.count) values, tensor has \(count)")
        let order = topologicalOrder()
        for node in order where node.backwardFunction != nil { node.zeroGrad() }
        accumulateGrad(seed)
        for node in order.reversed() {
            guard let function = node.backwardFunction, node.gradStorage != nil else { continue }
            function(node)
        }
    }

    /// Nodes reachable from `self` through `parents`, each after all of its parents. A node is
    /// marked reached on the node itself (`isReached`, cleared before returning) rather than in a
    /// set of identifiers, which hashed every node of every step's graph; a graph must therefore
    /// not be ordered by two threads at once (each model copy has its own).
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var stack: [(node: Tensor, nextParent: Int)] = [(self, 0)]
        isReached = true
        while let (node, next) = stack.last {
            if next < node.parents.count {
                stack[stack.count - 1].nextParent = next + 1
                let parent = node.parents[next]
                if !parent.isReached {
                    parent.isReached = true
                    stack.append((parent, 0))
                }
            } else {
                stack.removeLast()
                order.append(node)
            }
        }
        for node in order { node.isReached = false }
        return order
    }
}
