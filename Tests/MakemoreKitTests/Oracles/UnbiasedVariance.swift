@testable import MakemoreKit

extension BatchNormResult {
    /// Per-channel unbiased batch variance `[C]` (divides by n − 1): what PyTorch's BatchNorm
    /// keeps in `running_var`.
    var unbiasedVariance: [Float] { variance.values.map { $0 * besselCorrection } }
}
