/// Concatenates every `n` consecutive time steps, as in the lecture's WaveNet:
/// (B, T, C) → (B, T/n, C·n), squeezed to (B, C·n) when T/n = 1.
///
/// Row-major storage already holds the n steps of a group side by side, so this is a view
/// (`reshaped`, no copy); backward passes the gradient through unchanged.
package final class FlattenConsecutive: Layer {
    /// Time steps merged into one.
    package let count: Int

    /// A layer merging `count` consecutive steps.
    package init(_ count: Int) {
        precondition(count >= 1)
        self.count = count
    }

    /// x: (B, T, C) → (B, T/n, C·n), or (B, C·n) when T = n
    package func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 3 && x.shape[1] % count == 0, "cannot flatten \(count) consecutive steps of \(x.shape)")
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        return x.reshaped(t == count ? [b, c * count] : [b, t / count, c * count])
    }

    package var children: ModuleChildren { [] }
}
