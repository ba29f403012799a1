/// micrograd (the notes' Part I): reverse-mode automatic differentiation on single numbers.
///
/// A teaching engine and a second oracle for the tensor engine, not a training path: every
/// scalar is its own graph node, so it is thousands of times slower than `Tensor`.
public enum Micrograd {}

extension Micrograd {
    /// A scalar that remembers how it was computed, so `backward()` can send gradients back.
    ///
    /// Each op computes its result eagerly and gives it the op's inputs and a backward step that
    /// pushes the result's gradient into the inputs' gradients, always *accumulating* (`+=`), so a
    /// value used twice receives the sum of both contributions. The step receives the result as
    /// its argument and captures only the inputs: a result never references itself, so a graph is
    /// freed as soon as its last node is dropped (no reference cycles in a training loop).
    public final class Value {
        /// The number this node holds.
        public var data: Double
        /// ∂(the value `backward()` was last called on)/∂(this value).
        public var grad: Double = 0
        /// A name for the pictures and printouts (`"a"`, `"w1x1"`), empty by default.
        public var label: String
        /// The op that made this value (`"+"`, `"*"`, `"**2"`, `"exp"`, `"tanh"`, `"ReLU"`), or
        /// empty for a leaf.
        public let operation: String
        /// The op's inputs, in order (empty for a leaf).
        public private(set) var inputs: [Value]
        private var backwardStep: ((Value) -> Void)?

        /// A leaf: an input or a parameter.
        public init(_ data: Double, label: String = "") {
            self.data = data
            self.label = label
            operation = ""
            inputs = []
        }

        /// The result of `operation` on `inputs`; `backward` accumulates into the inputs' gradients.
        init(_ data: Double, operation: String, inputs: [Value], backward: @escaping (Value) -> Void) {
            self.data = data
            label = ""
            self.operation = operation
            self.inputs = inputs
            backwardStep = backward
        }

        /// Tears a long chain down iteratively: ARC's recursive release of thousands of nested
        /// nodes (a sum over many terms) could overflow the stack.
        deinit {
            guard !inputs.isEmpty else { return }
            var pending = inputs
            inputs = []
            backwardStep = nil
            while var node = pending.popLast() {
                if isKnownUniquelyReferenced(&node) {
                    pending.append(contentsOf: node.inputs)
                    node.inputs = []
                    node.backwardStep = nil
                }
            }
        }

        /// Backpropagates from this value: seeds its gradient with 1, resets the gradients of
        /// the ops in between, and runs their backward steps from here back to the leaves.
        /// Leaves accumulate across calls; reset them (`grad = 0`) before each step.
        public func backward() {
            let order = topologicalOrder()
            for node in order where !node.inputs.isEmpty { node.grad = 0 }
            grad = 1
            for node in order.reversed() { node.backwardStep?(node) }
        }

        /// Every value this one depends on, itself last, each after all of its inputs. Iterative
        /// depth-first search, so a deep graph cannot overflow the stack.
        public func topologicalOrder() -> [Value] {
            var order: [Value] = []
            var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
            var stack: [(node: Value, nextInput: Int)] = [(self, 0)]
            while let (node, next) = stack.last {
                if next < node.inputs.count {
                    stack[stack.count - 1].nextInput = next + 1
                    let input = node.inputs[next]
                    if visited.insert(ObjectIdentifier(input)).inserted { stack.append((input, 0)) }
                } else {
                    stack.removeLast()
                    order.append(node)
                }
            }
            return order
        }
    }
}

extension Micrograd.Value: CustomStringConvertible {
    public var description: String { "Value(data=\(data), grad=\(grad))" }
}
