// Embedding lookup. N = number of indices, V = table rows (vocabulary), D = embedding width.

/// out[N, D] = table[indices[n], D]
package func embeddingForward(
    _ out: UnsafeMutablePointer<Float>, _ table: UnsafePointer<Float>, _ indices: [Int32],
    _ V: Int, _ D: Int
) {
    for (n, index) in indices.enumerated() {
        precondition(index >= 0 && Int(index) < V, "index \(index) out of range 0..<\(V)")
        (out + n &* D).update(from: table + Int(index) &* D, count: D)
    }
}

/// dtable[indices[n], D] += dout[n, D] (repeated indices accumulate)
package func embeddingBackward(
    _ dtable: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ indices: [Int32], _ D: Int
) {
    for (n, index) in indices.enumerated() {
        accumulate(dtable + Int(index) &* D, dout + n &* D, D)
    }
}
