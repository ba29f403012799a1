/// A seeded random generator shared by reference: the one stream several layers draw from in turn.
package final class RandomStream {
    /// The generator every holder advances.
    package var generator: RandomGenerator

    /// A stream seeded with `seed`.
    package init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
}
