/// `BatchDecoder` for a model that keeps no decoding state: each slot's tokens so far, scored
/// anew at every step.
final class RescoringDecoder<Model: LanguageModel>: BatchDecoder {
    private let model: Model
    /// The tokens fed to each slot so far, boundary first.
    private var tokens: [[Int32]]

    init(model: Model, capacity: Int) {
        precondition(capacity > 0, "a decoder needs at least one slot")
        self.model = model
        tokens = Array(repeating: [], count: capacity)
    }

    func append(_ tokens: [Int32], to slots: [Int]) -> [Float] {
        precondition(tokens.count == slots.count, "one token per slot")
        assert(Set(slots).count == slots.count, "one token for each of distinct slots")
        var rows: [Float] = []
        rows.reserveCapacity(slots.count * model.vocabularySize)
        for (token, slot) in zip(tokens, slots) {
            self.tokens[slot].append(token)
            rows += model.nextTokenLogProbabilities(after: Array(self.tokens[slot].dropFirst()))
        }
        return rows
    }

    func reset(slot: Int) { tokens[slot].removeAll(keepingCapacity: true) }
}
