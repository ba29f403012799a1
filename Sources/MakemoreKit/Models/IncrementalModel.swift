/// A whole-word model that decodes incrementally through its one forward pass: given a decoding
/// state that keeps what earlier positions computed (the transformer's key/value cache, the
/// recurrent state, the bag of words' running sums) for sequences side by side in slots, the
/// forward pass computes only the new position of each slot.
package protocol IncrementalModel: PackedSequenceModel {
    /// What earlier positions left behind, for a fixed number of slots.
    associatedtype DecodingState: SlotState
    /// An empty state with `capacity` slots.
    func makeDecodingState(capacity: Int) -> DecodingState
    /// Appends `tokens[i]` to the sequence in slot `slots[i]` (distinct slots) of `state` and
    /// returns the logits (R, V) of the token after each: the forward pass over R new positions.
    func logits(appending tokens: [Int32], to slots: [Int], in state: DecodingState) -> Tensor
}

/// A decoding state: one sequence per slot, each starting empty.
package protocol SlotState: AnyObject {
    /// Empties `slot` for a new sequence.
    func reset(slot: Int)
}

extension IncrementalModel {
    /// A decoder over a fresh state of `capacity` slots; it runs the forward pass in evaluation
    /// mode whatever the model's mode. The parameters must not change while it is in use.
    package func makeBatchDecoder(capacity: Int) -> any BatchDecoder {
        IncrementalDecoder(model: self, state: makeDecodingState(capacity: capacity))
    }
}

/// `BatchDecoder` for any incremental model: its forward pass over the new positions, in
/// evaluation mode, as log-probabilities.
final class IncrementalDecoder<Model: IncrementalModel>: BatchDecoder {
    private let model: Model
    private let state: Model.DecodingState
    /// The model's dropouts and norms, found once: every step runs in evaluation mode.
    private let modeDependentModules: [any ModeDependent]

    init(model: Model, state: Model.DecodingState) {
        self.model = model
        self.state = state
        modeDependentModules = model.modeDependentModules
    }

    func append(_ tokens: [Int32], to slots: [Int]) -> [Float] {
        evaluating(modeDependentModules) { model.logits(appending: tokens, to: slots, in: state).logSoftmax().values }  // (R, V)
    }

    func reset(slot: Int) { state.reset(slot: slot) }
}

/// How many positions each slot of a decoding state holds, up to a block size: the one place
/// that hands out the next position of each slot.
struct SlotPositions {
    /// Positions fed so far, per slot.
    private(set) var lengths: [Int]
    /// The most positions a slot may hold.
    let blockSize: Int

    /// `capacity` empty slots of up to `blockSize` positions.
    init(capacity: Int, blockSize: Int) {
        precondition(capacity > 0, "a decoding state needs at least one slot")
        lengths = Array(repeating: 0, count: capacity)
        self.blockSize = blockSize
    }

    /// The position each of `slots` (distinct) takes next; those slots then hold one more.
    mutating func advance(_ slots: [Int]) -> [Int] {
        assert(Set(slots).count == slots.count, "one token for each of distinct slots")
        let positions = slots.map { lengths[$0] }
        precondition(positions.allSatisfy { $0 < blockSize }, "a sequence would exceed the block size \(blockSize)")
        for slot in slots { lengths[slot] += 1 }
        return positions
    }

    /// Empties `slot`.
    mutating func reset(slot: Int) { lengths[slot] = 0 }
}
