import Foundation

/// How an ensemble of model files combines its members' next-token distributions
/// (`ModelFiles`' `combination`): a weighted mixture of their probabilities, or their normalised
/// weighted product (of experts). `Ensemble` has the formulas.
public enum EnsembleCombination: String, CaseIterable, Sendable {
    case mixture, product
}

/// Several models over one vocabulary combined into one next-token distribution: a model like
/// any other for the evaluator, the sampler and `score`.
///
/// Every member predicts the same character after the same prefix, so their distributions can
/// be combined exactly, row by row, with weights `w` (≥ 0, summing to 1):
/// - **mixture**: p(x) = Σₖ wₖ pₖ(x), computed as log Σₖ exp(ln wₖ + ln pₖ(x));
/// - **product** (of experts, the normalised weighted geometric mean):
///   p(x) ∝ Πₖ pₖ(x)^wₖ, i.e. ln p(x) = Σₖ wₖ ln pₖ(x) − log Σₓ′ exp(Σₖ wₖ ln pₖ(x′)).
///   A member's ln p below `Ensemble.productFloor` counts as that floor, so one member's
///   probability 0 lowers a token a lot instead of vetoing it outright.
///
/// Members of weight 0 are not run. When one member carries all the weight the ensemble returns
/// that member's rows unchanged, so a one-model ensemble has exactly its NLL and samples.
/// The combination runs in Double and rounds each result to Float once.
package struct Ensemble: LanguageModel {
    /// How the members' distributions are combined.
    package typealias Combination = EnsembleCombination

    /// The lowest ln p a member contributes to a product: ln of the smallest normal Float.
    package static let productFloor = Double(Foundation.log(Float.leastNormalMagnitude))

    package let members: [any LanguageModel]
    /// One per member, ≥ 0, summing to 1.
    package let weights: [Double]
    package let combination: Combination
    /// The members that carry weight (the others are never run), in member order.
    private let active: [Int]

    /// Combines `members` (at least one, all with the same vocabulary size) with `weights`
    /// (one per member, finite and ≥ 0, not all 0), which are divided by their sum.
    package init(members: [any LanguageModel], weights: [Double], combination: Combination = .mixture) throws {
        guard let first = members.first else { throw MakemoreError.invalidValue(name: "members", rule: "1 or more models", value: "0") }
        if let odd = members.firstIndex(where: { $0.vocabularySize != first.vocabularySize }) {
            throw MakemoreError.mismatch("ensemble member 1 has \(first.vocabularySize) tokens, member \(odd + 1) has \(members[odd].vocabularySize): an ensemble needs one vocabulary")
        }
        guard weights.count == members.count else {
            throw MakemoreError.invalidValue(name: "weights", rule: "one weight per model (\(members.count))", value: "\(weights.count) weights")
        }
        if let bad = weights.first(where: { !$0.isFinite || $0 < 0 }) {
            throw MakemoreError.invalidValue(name: "weights", rule: "finite numbers ≥ 0", value: "\(bad)")
        }
        let total = weights.reduce(0, +)
        guard total > 0 && total.isFinite else { throw MakemoreError.invalidValue(name: "weights", rule: "of a positive sum", value: "weights summing to \(total)") }
        self.members = members
        let normalised = weights.map { $0 / total }
        self.weights = normalised
        self.combination = combination
        active = normalised.indices.filter { normalised[$0] > 0 }
    }

    package var vocabularySize: Int { members[0].vocabularySize }

    /// The shortest limit of the members that carry weight.
    package var maximumWordLength: Int? { active.compactMap { members[$0].maximumWordLength }.min() }

    /// The largest default of the members that carry weight (a single member's own).
    package var defaultSamplingBatchSize: Int { active.map { members[$0].defaultSamplingBatchSize }.max() ?? 1 }

    /// Learned numbers of all the members (a count bigram counts its V×V table).
    package var parameterCount: Int {
        members.reduce(0) { $0 + (($1 as? any Module)?.parameterCount ?? $1.vocabularySize * $1.vocabularySize) }
    }

    package func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] {
        combine(active.map { members[$0].nextTokenLogProbabilities(words: words) })
    }

    package func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] {
        combine(active.map { members[$0].nextTokenLogProbabilities(after: prefix) })
    }

    /// One decoder per member that carries weight, fed the same tokens.
    package func makeBatchDecoder(capacity: Int) -> any BatchDecoder {
        EnsembleDecoder(decoders: active.map { members[$0].makeBatchDecoder(capacity: capacity) }, combine: combine)
    }

    /// The rows of the active members (same shape, rows of `vocabularySize`) combined.
    func combine(_ rows: [[Float]]) -> [Float] {
        if rows.count == 1 { return rows[0] }
        let w = active.map { weights[$0] }
        return switch combination {
        case .mixture: Self.mixture(rows, weights: w)
        case .product: Self.product(rows, weights: w, vocabularySize: vocabularySize)
        }
    }

    /// ln Σₖ wₖ exp(rowsₖ[j]) for every j (weights > 0).
    static func mixture(_ rows: [[Float]], weights: [Double]) -> [Float] {
        let logWeights = weights.map { Foundation.log($0) }
        var terms = [Double](repeating: 0, count: rows.count)
        return (0..<rows[0].count).map { j in
            var largest = -Double.infinity
            for k in rows.indices {
                terms[k] = logWeights[k] + Double(rows[k][j])
                if terms[k] > largest { largest = terms[k] }
            }
            guard largest > -.infinity else { return -.infinity }
            var sum = 0.0
            for term in terms { sum += Foundation.exp(term - largest) }
            return Float(largest + Foundation.log(sum))
        }
    }

    /// Σₖ wₖ max(rowsₖ, floor) normalised row by row (weights > 0).
    static func product(_ rows: [[Float]], weights: [Double], vocabularySize v: Int) -> [Float] {
        var output = [Float](repeating: 0, count: rows[0].count)
        var scores = [Double](repeating: 0, count: v)
        for start in stride(from: 0, to: output.count, by: v) {
            for x in 0..<v {
                var score = 0.0
                for k in rows.indices { score += weights[k] * max(Double(rows[k][start + x]), productFloor) }
                scores[x] = score
            }
            let normaliser = logSumExp(scores)
            for x in 0..<v { output[start + x] = Float(scores[x] - normaliser) }
        }
        return output
    }

    /// ln Σ exp(values), shifted by the largest for stability.
    static func logSumExp(_ values: [Double]) -> Double {
        let largest = values.max() ?? -.infinity
        guard largest > -.infinity else { return -.infinity }
        return largest + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - largest) })
    }
}

/// The members' decoders side by side, their rows combined at every step.
final class EnsembleDecoder: BatchDecoder {
    private let decoders: [any BatchDecoder]
    private let combine: ([[Float]]) -> [Float]

    init(decoders: [any BatchDecoder], combine: @escaping ([[Float]]) -> [Float]) {
        self.decoders = decoders
        self.combine = combine
    }

    func append(_ tokens: [Int32], to slots: [Int]) -> [Float] {
        combine(decoders.map { $0.append(tokens, to: slots) })
    }

    func reset(slot: Int) {
        for decoder in decoders { decoder.reset(slot: slot) }
    }
}
