/// The register blocking of the matrix kernel: how many rows of A and columns of a packed panel
/// one call keeps in accumulator registers. Both give the same bits (each element of C is the
/// same chain of fused multiply-adds in the same order); they differ only in speed, by the width
/// and number of the vector registers the build targets.
package enum MicroKernel: CaseIterable, Sendable {
    /// 8 rows × 32 columns on `SIMD16<Float>`: 16 accumulators in AVX-512's 32 registers of 16
    /// lanes.
    case wide
    /// 6 rows × 16 columns on `SIMD8<Float>`, twice per 32-column panel: 12 accumulators, the
    /// most that fit AVX2's 16 registers of 8 lanes beside B and the broadcast. On AVX2 the wide
    /// kernel's accumulators take 32 registers and spill: it ran at ~35 GFLOP/s where this one
    /// runs at ~77 (one core of an AMD EPYC without AVX-512, depth 64 and 256).
    case narrow

    /// Rows of A per call.
    var rows: Int {
        switch self {
        case .wide: 8
        case .narrow: 6
        }
    }

    /// The kernel for the processor this process runs on: the wide one where it has AVX-512
    /// (release builds target the building machine's processor), the narrow one elsewhere.
    package static let preferred: MicroKernel = Platform.hasAVX512 ? .wide : .narrow
}
