/// Whole-word sequences stored back to back without padding, for sequence models that treat
/// every row alike except attention (which stays within a sequence).
///
/// A word of n tokens is n + 1 rows: inputs `[boundary, c1 … cn]` at positions `0 … n`, targets
/// `[c1 … cn, boundary]`. This is `SequenceExamples` with the padded tail of every sequence cut
/// off: padded positions carry no loss and, attention being causal, influence no earlier
/// position, so dropping them changes no loss and no gradient — it only skips work.
public struct PackedSequences: Sendable, Equatable {
    /// The input token of every row: (rows).
    public private(set) var inputs: [Int32] = []
    /// The target of every row: (rows).
    public private(set) var targets: [Int32] = []
    /// Each row's position within its sequence: (rows).
    public private(set) var positions: [Int32] = []
    /// Sequence s owns rows `starts[s]..<starts[s + 1]`: (sequences + 1), from 0 to `rows`.
    public private(set) var starts: [Int] = [0]

    /// Total rows.
    public var rows: Int { inputs.count }
    /// Number of sequences.
    public var count: Int { starts.count - 1 }
    /// The longest sequence, in rows.
    package var longest: Int { zip(starts, starts.dropFirst()).map { $1 - $0 }.max() ?? 0 }

    /// No sequences.
    package init() {}

    /// The sequences of `words` (tokens, no boundaries).
    public init(words: [[Int32]]) {
        for word in words {
            append(inputs: [Vocabulary.boundary] + word, targets: word + [Vocabulary.boundary])
        }
    }

    /// The sequences of a padded batch of `SequenceExamples` rows (count, blockSize), each cut
    /// after its last target that is not `SequenceExamples.ignoreIndex`.
    package init(paddedInputs: [Int32], paddedTargets: [Int32], blockSize: Int) {
        precondition(paddedInputs.count == paddedTargets.count && paddedInputs.count % blockSize == 0)
        for base in stride(from: 0, to: paddedInputs.count, by: blockSize) {
            var length = blockSize
            while length > 0 && paddedTargets[base + length - 1] == SequenceExamples.ignoreIndex { length -= 1 }
            append(inputs: paddedInputs[base..<base + length], targets: paddedTargets[base..<base + length])
        }
    }

    /// Adds one sequence of inputs and their targets; empty sequences are skipped.
    package mutating func append(inputs newInputs: some Collection<Int32>, targets newTargets: some Collection<Int32>) {
        precondition(newInputs.count == newTargets.count, "\(newInputs.count) inputs but \(newTargets.count) targets")
        guard !newInputs.isEmpty else { return }
        inputs.append(contentsOf: newInputs)
        targets.append(contentsOf: newTargets)
        positions.append(contentsOf: (0..<Int32(newInputs.count)))
        starts.append(inputs.count)
    }

    /// The sequences cut into `parts` consecutive groups of about equal rows (some may be empty
    /// when there are fewer sequences than parts).
    package func split(into parts: Int) -> [PackedSequences] {
        precondition(parts > 0)
        guard parts > 1 else { return [self] }
        var groups: [PackedSequences] = []
        var s = 0
        for part in 0..<parts {
            let end = rows * (part + 1) / parts
            var group = PackedSequences()
            while s < count && (starts[s] < end || part == parts - 1) {
                group.append(inputs: inputs[starts[s]..<starts[s + 1]], targets: targets[starts[s]..<starts[s + 1]])
                s += 1
            }
            groups.append(group)
        }
        return groups
    }
}
