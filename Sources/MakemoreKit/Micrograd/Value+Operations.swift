import Foundation

/// The ops of `Micrograd.Value`, each forward with its backward beside it. Primitives: `+`,
/// `*`, `raised(to:)`, `exp`, `tanh`, `relu`; negation, subtraction and division are derived
/// from them, as in micrograd. A `Double` operand becomes a leaf of the graph.
extension Micrograd.Value {
    /// `a + b`. Backward: ∂a += ∂out, ∂b += ∂out.
    public static func + (a: Micrograd.Value, b: Micrograd.Value) -> Micrograd.Value {
        Micrograd.Value(a.data + b.data, operation: "+", inputs: [a, b]) { out in
            a.grad += out.grad
            b.grad += out.grad
        }
    }

    /// `a · b`. Backward: ∂a += b·∂out, ∂b += a·∂out.
    public static func * (a: Micrograd.Value, b: Micrograd.Value) -> Micrograd.Value {
        Micrograd.Value(a.data * b.data, operation: "*", inputs: [a, b]) { out in
            a.grad += b.data * out.grad
            b.grad += a.data * out.grad
        }
    }

    /// `xᵏ` for a constant exponent k. Backward: ∂x += k·xᵏ⁻¹·∂out.
    public func raised(to exponent: Double) -> Micrograd.Value {
        Micrograd.Value(Foundation.pow(data, exponent), operation: "**" + Self.format(exponent), inputs: [self]) { [self] out in
            grad += exponent * Foundation.pow(data, exponent - 1) * out.grad
        }
    }

    /// `eˣ`. Backward: ∂x += eˣ·∂out (the output itself).
    public func exp() -> Micrograd.Value {
        Micrograd.Value(Foundation.exp(data), operation: "exp", inputs: [self]) { [self] out in
            grad += out.data * out.grad
        }
    }

    /// `tanh(x)`. Backward: ∂x += (1 − tanh²x)·∂out.
    public func tanh() -> Micrograd.Value {
        Micrograd.Value(Foundation.tanh(data), operation: "tanh", inputs: [self]) { [self] out in
            grad += (1 - out.data * out.data) * out.grad
        }
    }

    /// `max(x, 0)`. Backward: ∂x += ∂out where the output is positive (0 at the kink).
    public func relu() -> Micrograd.Value {
        Micrograd.Value(max(data, 0), operation: "ReLU", inputs: [self]) { [self] out in
            grad += (out.data > 0 ? 1 : 0) * out.grad
        }
    }

    /// `−x = x · (−1)`.
    public static prefix func - (x: Micrograd.Value) -> Micrograd.Value { x * -1 }
    /// `a − b = a + (−b)`.
    public static func - (a: Micrograd.Value, b: Micrograd.Value) -> Micrograd.Value { a + (-b) }
    /// `a / b = a · b⁻¹`.
    public static func / (a: Micrograd.Value, b: Micrograd.Value) -> Micrograd.Value { a * b.raised(to: -1) }

    public static func + (a: Micrograd.Value, b: Double) -> Micrograd.Value { a + Micrograd.Value(b) }
    public static func + (a: Double, b: Micrograd.Value) -> Micrograd.Value { Micrograd.Value(a) + b }
    public static func - (a: Micrograd.Value, b: Double) -> Micrograd.Value { a - Micrograd.Value(b) }
    public static func - (a: Double, b: Micrograd.Value) -> Micrograd.Value { Micrograd.Value(a) - b }
    public static func * (a: Micrograd.Value, b: Double) -> Micrograd.Value { a * Micrograd.Value(b) }
    public static func * (a: Double, b: Micrograd.Value) -> Micrograd.Value { Micrograd.Value(a) * b }
    public static func / (a: Micrograd.Value, b: Double) -> Micrograd.Value { a / Micrograd.Value(b) }
    public static func / (a: Double, b: Micrograd.Value) -> Micrograd.Value { Micrograd.Value(a) / b }

    public static func += (a: inout Micrograd.Value, b: Micrograd.Value) { a = a + b }
    public static func += (a: inout Micrograd.Value, b: Double) { a = a + b }

    /// The sum of `values` (a leaf 0 when empty), one `+` node per term as in Python's `sum`.
    public static func sum(_ values: [Micrograd.Value]) -> Micrograd.Value {
        guard let first = values.first else { return Micrograd.Value(0) }
        return values.dropFirst().reduce(first, +)
    }

    /// `2` for whole exponents, else the shortest form that reads back exactly.
    private static func format(_ exponent: Double) -> String {
        exponent == exponent.rounded() && abs(exponent) < 1e15 ? String(Int(exponent)) : "\(exponent)"
    }
}
