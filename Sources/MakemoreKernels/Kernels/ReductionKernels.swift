// Reductions to a scalar. Sums accumulate in Double.

/// Σ inp[n], accumulated in Double
package func sumForward(_ inp: UnsafePointer<Float>, _ n: Int) -> Double {
    // Four independent Double accumulators: exact enough, and not one long dependency chain.
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i &+ 4 <= n {
        s0 += Double(inp[i]); s1 += Double(inp[i &+ 1])
        s2 += Double(inp[i &+ 2]); s3 += Double(inp[i &+ 3])
        i &+= 4
    }
    while i < n { s0 += Double(inp[i]); i &+= 1 }
    return (s0 + s1) + (s2 + s3)
}

/// dinp[n] += dout (a scalar broadcast to every element)
package func broadcastBackward(_ dinp: UnsafeMutablePointer<Float>, _ dout: Float, _ n: Int) {
    for i in 0..<n { dinp[i] += dout }
}
