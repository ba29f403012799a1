/// `BatchDecoder` for a window model: each slot keeps only its last `contextLength` tokens
/// (boundary-padded, as `WindowExamples` pads a word's start), and a step scores the windows of
/// all the slots it feeds in one call of `score`. Results equal `nextTokenLogProbabilities(after:)`
/// on each slot's tokens.
final class WindowDecoder: BatchDecoder {
    private let contextLength: Int
    /// Scores windows, row-major (N, contextLength) → (N, vocabularySize).
    private let score: ([Int32]) -> [Float]
    /// Slot s's window is `windows[s·k ..< (s+1)·k]`, oldest token first.
    private var windows: [Int32]
    /// The windows of one step's slots, reused from step to step.
    private var contexts: [Int32] = []

    init(contextLength: Int, capacity: Int, score: @escaping ([Int32]) -> [Float]) {
        precondition(capacity > 0 && contextLength > 0, "a decoder needs a slot and a window")
        self.contextLength = contextLength
        self.score = score
        windows = Array(repeating: Vocabulary.boundary, count: capacity * contextLength)
    }

    func append(_ tokens: [Int32], to slots: [Int]) -> [Float] {
        precondition(tokens.count == slots.count, "one token per slot")
        let k = contextLength
        contexts.removeAll(keepingCapacity: true)
        for (token, slot) in zip(tokens, slots) {
            let start = slot * k
            for i in start..<(start + k - 1) { windows[i] = windows[i + 1] }
            windows[start + k - 1] = token
            contexts.append(contentsOf: windows[start..<(start + k)])
        }
        return score(contexts)
    }

    func reset(slot: Int) {
        let start = slot * contextLength
        for i in start..<(start + contextLength) { windows[i] = Vocabulary.boundary }
    }
}
