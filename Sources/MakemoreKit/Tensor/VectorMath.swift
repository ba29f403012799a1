import Foundation

/// Element-wise transcendental functions over flat buffers. `x` and `y` may be the same buffer.
public enum VectorMath {
    /// `y[i] = exp(x[i])`
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Foundation.exp(x[i]) }
    }

    /// `y[i] = tanh(x[i])`
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Foundation.tanh(x[i]) }
    }
}
