/// The one seeded random generator used for splits, initialisation, minibatches and sampling.
///
/// Algorithm: xoshiro256** (Blackman & Vigna, 2018) whose 256-bit state is filled from the seed
/// by SplitMix64. Every derived draw uses only integer arithmetic and correctly-rounded IEEE
/// operations (`+ − × ÷ √`), plus `portableLog` below, so the same seed gives bit-identical
/// numbers on every platform — no `libm` call whose last bit may differ between systems.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The whole state, to continue the stream elsewhere: the four state words, then the bits
    /// of the normal draw kept for the next call, if any.
    package var state: [UInt64] { [s0, s1, s2, s3] + (spareNormal.map { [$0.bitPattern] } ?? []) }

    /// The generator that continues from `state` (as `state` gives it); nil for words that are
    /// no such state (the wrong count, all zero, a spare that is not a finite number).
    package init?(state: [UInt64]) {
        guard state.count == 4 || state.count == 5, state[0..<4].contains(where: { $0 != 0 }) else { return nil }
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
        if state.count == 5 {
            let spare = Double(bitPattern: state[4])
            guard spare.isFinite else { return nil }
            spareNormal = spare
        }
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    package mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `0..<upperBound` without modulo bias (Lemire's method).
    package mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "upper bound must be positive")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// A standard normal draw, N(0, 1), by Marsaglia's polar method (pairs are cached).
    package mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * RandomGenerator.portableLog(s) / s).squareRoot()
            spareNormal = v * factor
            return u * factor
        }
    }

    /// Draws an index with probability proportional to `weights[i]` (non-negative, not all zero).
    package mutating func categorical(_ weights: some Collection<Float>) -> Int {
        var total = 0.0
        for w in weights { total += Double(w) }
        precondition(total > 0, "categorical weights must have a positive sum")
        let target = uniform() * total
        var cumulative = 0.0
        var last = 0
        for (i, w) in weights.enumerated() {
            cumulative += Double(w)
            if w > 0 { last = i }
            if target < cumulative { return i }
        }
        return last
    }

    /// Fisher–Yates shuffle driven by this generator (Swift's own `shuffle` may change algorithm
    /// between releases; this one never does).
    package mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(below: i + 1))
        }
    }

    /// Natural logarithm from IEEE arithmetic only: x = m·2^e with m in [√½, √2), then
    /// ln m = 2·atanh(t), t = (m−1)/(m+1), summed until the terms vanish. Accurate to ~1 ulp.
    static func portableLog(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite)
        var m = x.significand  // [1, 2)
        var e = Double(x.exponent)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        while true {
            let next = sum + term / k
            if next == sum { break }
            sum = next
            term *= t2
            k += 2
        }
        return 2 * sum + e * 0.6931471805599453
    }
}

private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
