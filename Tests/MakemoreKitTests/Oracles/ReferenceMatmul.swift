import MakemoreKernels

/// Plain triple-loop matrix products accumulated in `Double`: slow, obviously right, and the
/// oracle the fast `Matmul` kernels are tested against. Same contract as `Matmul`.
enum ReferenceMatmul {
    /// `c[M, N] (+)= a[M, K] · b[K, N]`
    static func nn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(m: m, n: n, k: k, accumulate: accumulate, c) { i, j, p in
            Double(a[i * k + p]) * Double(b[p * n + j])
        }
    }

    /// `c[M, N] (+)= a[M, K] · b[N, K]ᵀ`
    static func nt(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(m: m, n: n, k: k, accumulate: accumulate, c) { i, j, p in
            Double(a[i * k + p]) * Double(b[j * k + p])
        }
    }

    /// `c[M, N] (+)= a[K, M]ᵀ · b[K, N]`
    static func tn(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool = false
    ) {
        product(m: m, n: n, k: k, accumulate: accumulate, c) { i, j, p in
            Double(a[p * m + i]) * Double(b[p * n + j])
        }
    }

    private static func product(
        m: Int, n: Int, k: Int, accumulate: Bool, _ c: UnsafeMutablePointer<Float>,
        term: (Int, Int, Int) -> Double
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? Double(c[i * n + j]) : 0
                for p in 0..<k { sum += term(i, j, p) }
                c[i * n + j] = Float(sum)
            }
        }
    }
}
