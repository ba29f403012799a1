import Foundation
import Testing
import MakemoreKernels
@testable import MakemoreKit

@Suite struct VectorMathTests {
    /// Uniform samples over [low, high] plus the endpoints; an odd count exercises the tail.
    static func samples(_ low: Float, _ high: Float, count: Int = 4001, seed: UInt64 = 3) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return [low, high] + (0..<count).map { _ in low + (high - low) * Float(generator.uniform()) }
    }

    static func apply(_ f: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in f(x.baseAddress!, y.baseAddress!, x.count) } }
        return y
    }

    static func exp(_ x: [Float]) -> [Float] { apply({ VectorMath.exp($0, $1, count: $2) }, x) }
    static func tanh(_ x: [Float]) -> [Float] { apply({ VectorMath.tanh($0, $1, count: $2) }, x) }
    static func sigmoid(_ x: [Float]) -> [Float] { apply({ VectorMath.sigmoid($0, $1, count: $2) }, x) }

    @Test func expRelativeErrorOverTheNormalRange() {
        for (low, high) in [(Float(-87), Float(88.7)), (-1, 1), (-1e-3, 1e-3)] {
            let x = Self.samples(low, high)
            let y = Self.exp(x)
            var worst = 0.0
            for (xi, yi) in zip(x, y) {
                let exact = Foundation.exp(Double(xi))
                worst = max(worst, abs(Double(yi) - exact) / exact)
            }
            #expect(worst <= 2e-7, "exp on [\(low), \(high)]: relative error \(worst)")
        }
    }

    @Test func expLimits() {
        let x: [Float] = [0, -0.0, 88.72, 88.73, 89, 100, .infinity, -87.5, -100, -103.5, -104, -200, -.infinity, .nan, 1]
        let y = Self.exp(x)
        #expect(y[0] == 1 && y[1] == 1)
        #expect(y[2].isFinite && abs(Double(y[2]) / Foundation.exp(Double(x[2])) - 1) < 2e-7)
        #expect(y[3...6].allSatisfy { $0 == .infinity })
        for i in 7...9 {  // subnormal results: within a couple of units of the smallest subnormal
            #expect(abs(Double(y[i]) - Foundation.exp(Double(x[i]))) <= 2 * Double(Float.leastNonzeroMagnitude))
        }
        #expect(y[10...12].allSatisfy { $0 == 0 })
        #expect(y[13].isNaN)
        #expect(abs(y[14] - Float(M_E)) <= Float(M_E).ulp)
    }

    @Test func tanhAbsoluteError() {
        let x = Self.samples(-12, 12) + Self.samples(-1, 1) + Self.samples(-1e-4, 1e-4)
        let y = Self.tanh(x)
        var worst = 0.0
        for (xi, yi) in zip(x, y) { worst = max(worst, abs(Double(yi) - Foundation.tanh(Double(xi)))) }
        #expect(worst <= 1e-6)
        // Odd: exactly antisymmetric, and relatively accurate near 0.
        #expect(Self.tanh(x.map { -$0 }) == y.map { -$0 })
        #expect(Self.tanh([1e-20, 1e-5]) == [1e-20, Float(Foundation.tanh(1e-5))])
    }

    @Test func tanhLimits() {
        let y = Self.tanh([30, -30, 1e30, -1e30, .infinity, -.infinity, .nan, 0, -0.0])
        #expect(y[0...5] == [1, -1, 1, -1, 1, -1])
        #expect(y[6].isNaN)
        #expect(y[7] == 0 && y[7].sign == .plus && y[8] == 0 && y[8].sign == .minus)
    }

    @Test func sigmoidAccuracyAndLimits() {
        let x = Self.samples(-80, 80)
        let y = Self.sigmoid(x)
        var worst = 0.0
        for (xi, yi) in zip(x, y) {
            let exact = 1 / (1 + Foundation.exp(-Double(xi)))
            worst = max(worst, abs(Double(yi) - exact) / exact)
        }
        #expect(worst <= 3e-7)
        let limits = Self.sigmoid([200, -200, .infinity, -.infinity, .nan, 0])
        #expect(limits[0...3] == [1, 0, 1, 0])
        #expect(limits[4].isNaN && limits[5] == 0.5)
    }

    /// `x` and `y` may be the same buffer; every count from 0 to 40 covers all tail lengths.
    @Test func inPlaceAndEveryTailLength() {
        for count in 0...40 {
            let x = Self.samples(-5, 5, count: count).dropFirst(2).map { $0 }
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { VectorMath.tanh($0.baseAddress!, $0.baseAddress!, count: count) }
            #expect(inPlace == Self.tanh(x))
            #expect(Self.exp(x) == x.map { Self.exp([$0])[0] })
        }
    }
}

@Suite struct VectorSquareRootTests {
    @Test func withinTwoUlpOfTheCorrectlyRoundedRoot() {
        var generator = RandomGenerator(seed: 11)
        var worst: Float = 0
        for _ in 0..<2000 {
            var x = SIMD16<Float>()
            for lane in 0..<16 { x[lane] = Float(Foundation.exp(generator.uniform() * 120 - 60)) }
            let root = VectorMath.squareRoot(x)
            for lane in 0..<16 {
                let exact = x[lane].squareRoot()
                worst = max(worst, abs(root[lane] - exact) / exact.ulp)
            }
        }
        #expect(worst <= 2)
        let special = VectorMath.squareRoot(SIMD16<Float>([0, 1, 4, 1e-30, 1e30, 2, 0.25, 9, 16, 1e-38, 3, 5, 7, 11, 13, 17]))
        #expect(special[0] == 0 && special[1] == 1 && special[2] == 2 && special[7] == 3 && special[8] == 4)
    }
}

@Suite struct PartialVectorTests {
    /// A tail of every length loads into the first lanes with zeros after, and stores back
    /// without touching the floats past it.
    @Test func loadsAndStoresOnlyTheTail() {
        let source: [Float] = (1...16).map(Float.init)
        for count in 0...16 {
            let v16: SIMD16<Float> = source.withUnsafeBufferPointer { loadPartial($0.baseAddress!, count) }
            #expect((0..<16).allSatisfy { v16[$0] == ($0 < count ? source[$0] : 0) })
            var target = [Float](repeating: -1, count: 17)
            target.withUnsafeMutableBufferPointer { storePartial(v16, $0.baseAddress!, count) }
            #expect(target == Array(source.prefix(count)) + Array(repeating: -1, count: 17 - count))
        }
        for count in 0...8 {
            let v8: SIMD8<Float> = source.withUnsafeBufferPointer { loadPartial($0.baseAddress! + 3, count) }
            #expect((0..<8).allSatisfy { v8[$0] == ($0 < count ? source[3 + $0] : 0) })
        }
    }
}
