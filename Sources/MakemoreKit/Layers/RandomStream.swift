/// A seeded random generator shared by reference: the one stream several layers draw from in turn.
public final class RandomStream {
    /// The generator every holder advances.
    public var generator: RandomGenerator

    /// A stream seeded with `seed`.
    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
}
