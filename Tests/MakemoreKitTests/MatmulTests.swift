import Testing
@testable import MakemoreKit

@Test func referenceMatmulSmall() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]  // (2, 3)
    let b: [Float] = [7, 8, 9, 10, 11, 12]  // (3, 2)
    var c = [Float](repeating: 0, count: 4)
    ReferenceMatmul.nn(a, b, &c, m: 2, n: 2, k: 3)
    #expect(c == [58, 64, 139, 154])
}
