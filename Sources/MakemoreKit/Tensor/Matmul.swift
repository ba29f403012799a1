/// Matrix products over flat row-major `Float` buffers: the hot loops of every model.
///
/// The three variants cover a `Linear` layer (weight stored `[out, in]` as PyTorch does) and both
/// of its backward products: `y = x·Wᵀ` is `nt`, `dx = dy·W` is `nn`, `dW = dyᵀ·x` is `tn`.
/// With `accumulate` the product is added to `c` (backward passes accumulate gradients);
/// otherwise `c` is overwritten. `c` must not alias `a` or `b`.
public enum Matmul {
    /// `c[M, N] (+)= a[M, K] · b[K, N]`
    public static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        ReferenceMatmul.nn(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
    }

    /// `c[M, N] (+)= a[M, K] · b[N, K]ᵀ`
    public static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        ReferenceMatmul.nt(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
    }

    /// `c[M, N] (+)= a[K, M]ᵀ · b[K, N]`
    public static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        ReferenceMatmul.tn(a, b, c, m: m, n: n, k: k, accumulate: accumulate)
    }
}
