/// The directions along which a set of points varies most: the eigenvectors of their
/// covariance matrix, by decreasing eigenvalue. Used to draw a wide embedding table in 2-D.
///
/// The covariance is small (d × d for d-dimensional embeddings, d ≤ a few hundred), so it is
/// diagonalised exactly by the cyclic Jacobi method rather than approximated.
package struct PrincipalComponents: Sendable {
    /// The mean point, subtracted before projecting.
    package let mean: [Double]
    /// Unit eigenvectors of the covariance, by decreasing variance. Each is signed so that its
    /// largest-magnitude entry is positive, so the picture does not flip between runs.
    package let components: [[Double]]
    /// The variance of the points along each component (the eigenvalues, population covariance).
    package let variances: [Double]
    /// The total variance (trace of the covariance), for "x % of the variance".
    package let totalVariance: Double

    /// The principal components of `rows` (n points of equal dimension d ≥ 1).
    package init(rows: [[Double]]) {
        precondition(!rows.isEmpty, "no points")
        let d = rows[0].count, n = Double(rows.count)
        precondition(d >= 1 && rows.allSatisfy { $0.count == d }, "points must share one dimension ≥ 1")
        let mean = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for row in rows {
            for i in 0..<d {
                for j in i..<d { covariance[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / n }
            }
        }
        for i in 0..<d { for j in 0..<i { covariance[i][j] = covariance[j][i] } }
        let (values, vectors) = Self.symmetricEigen(covariance)
        let order = values.indices.sorted { values[$0] > values[$1] }
        self.mean = mean
        variances = order.map { max(values[$0], 0) }
        components = order.map { k in
            let v = (0..<d).map { vectors[$0][k] }
            let largest = v.max { abs($0) < abs($1) }!
            return largest < 0 ? v.map { -$0 } : v
        }
        totalVariance = (0..<d).reduce(0) { $0 + covariance[$1][$1] }
    }

    /// The coordinates of `point` along the first `count` components.
    package func project(_ point: [Double], count: Int = 2) -> [Double] {
        components.prefix(count).map { component in
            zip(component, zip(point, mean)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
        }
    }

    /// Eigenvalues and eigenvectors (as columns) of the symmetric matrix `a`, by cyclic Jacobi
    /// rotations: each zeroes one off-diagonal pair, sweeps repeat until the off-diagonal part
    /// vanishes against the diagonal (quadratic convergence; a few sweeps suffice).
    static func symmetricEigen(_ matrix: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
        var a = matrix
        let d = a.count
        var v = (0..<d).map { i in (0..<d).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0, diagonal = 0.0
            for i in 0..<d {
                diagonal += a[i][i] * a[i][i]
                for j in 0..<d where j != i { off += a[i][j] * a[i][j] }
            }
            if off <= 1e-30 * max(diagonal, 1e-300) { break }
            for p in 0..<d {
                for q in (p + 1)..<d where a[p][q] != 0 {
                    // The rotation angle θ with tan 2θ = 2a_pq / (a_qq − a_pp), taken as the
                    // smaller root t = tan θ for stability.
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let (akp, akq) = (a[k][p], a[k][q])
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let (apk, aqk) = (a[p][k], a[q][k])
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let (vkp, vkq) = (v[k][p], v[k][q])
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0][$0] }, v)
    }
}
