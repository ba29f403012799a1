import Foundation
import Testing
@testable import MakemoreKit

@Suite struct PrincipalComponentsTests {
    /// Points spread 3 : 1 : 0.1 along three orthonormal directions of 5-D space: the components
    /// come back as those directions (signed), with those variances.
    @Test func recoversKnownDirections() {
        let s = 1 / 2.0.squareRoot()
        let directions: [[Double]] = [[s, s, 0, 0, 0], [0, 0, 0.6, 0.8, 0], [s, -s, 0, 0, 0]]
        let scales = [3.0, 1.0, 0.1]
        var generator = RandomGenerator(seed: 5)
        var rows: [[Double]] = []
        var sums = [0.0, 0.0, 0.0]
        for _ in 0..<400 {
            let amounts = scales.map { $0 * generator.normal() }
            for k in 0..<3 { sums[k] += amounts[k] * amounts[k] }
            rows.append((0..<5).map { j in 1.5 + (0..<3).reduce(0) { $0 + amounts[$1] * directions[$1][j] } })
        }
        let pca = PrincipalComponents(rows: rows)
        for k in 0..<3 {
            let dot = zip(pca.components[k], directions[k]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(abs(dot) - 1) < 1e-2, "component \(k): \(pca.components[k])")
            #expect(abs(pca.variances[k] / (scales[k] * scales[k]) - 1) < 0.2, "variance \(k): \(pca.variances[k])")
        }
        #expect(pca.variances[3] < 1e-12 && pca.variances[4] < 1e-12)
        #expect(abs(pca.variances.reduce(0, +) - pca.totalVariance) < 1e-9)
        for component in pca.components { #expect(abs(component.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12) }
        let projected = pca.project(rows[0])
        #expect(projected.count == 2)
    }

    @Test func eigenSolverDiagonalisesASymmetricMatrix() {
        let a: [[Double]] = [[4, 1, -2, 0.5], [1, 3, 0, 1], [-2, 0, 5, -1], [0.5, 1, -1, 2]]
        let (values, vectors) = PrincipalComponents.symmetricEigen(a)
        for k in 0..<4 {
            for i in 0..<4 {
                let av = (0..<4).reduce(0) { $0 + a[i][$1] * vectors[$1][k] }
                #expect(abs(av - values[k] * vectors[i][k]) < 1e-10)
            }
        }
        #expect(abs(values.reduce(0, +) - 14) < 1e-10)
    }
}
