import Foundation

/// Ensemble weights fitted to held-out words (the validation split: never the test words), and
/// what the fit measured on them.
///
/// Each member scores the words once, through the evaluator's batches; the weights are then
/// fitted to those scores in Double:
/// - **mixture, by EM.** With rₖᵢ = wₖ pₖ(yᵢ) / Σⱼ wⱼ pⱼ(yᵢ), the responsibility of member k
///   for prediction i, the update is wₖ ← (1/N) Σᵢ rₖᵢ. Each step raises the likelihood (the
///   log-likelihood is concave in w, so EM climbs to its maximum); it starts from equal weights
///   and stops when a step gains less than `tolerance` nats per token.
/// - **product, by exponentiated gradient.** The mean log-likelihood
///   L(w) = (1/N) Σᵢ [sᵢ(yᵢ) − log Σₓ exp sᵢ(x)], with sᵢ(x) = Σₖ wₖ ln pₖ(x | prefixᵢ), is
///   concave in w with gradient gₖ = (1/N) Σᵢ [ln pₖ(yᵢ) − Σₓ qᵢ(x) ln pₖ(x)] (q: the product's
///   distribution). A step is wₖ ← wₖ e^{η gₖ} / Z, which stays on the simplex; η doubles after a
///   step that gains and halves until one does.
///
/// Either way the result is kept only if it beats every single member (a one-hot weight), so the
/// fitted ensemble is never worse on the fit words than its best member. Deterministic: the same
/// members and words give the same weights.
package struct EnsembleFit: Sendable {
    package let combination: Ensemble.Combination
    /// One per member, ≥ 0, summing to 1.
    package let weights: [Double]
    /// Each member's NLL on the fit words, summed as `Evaluator` sums it.
    package let memberResults: [NLLResult]
    /// The fitted ensemble's mean NLL on the fit words, from the members' scores in Double.
    package let nll: Double
    /// For each member, the fitted NLL of the ensemble of the others (refitted without it); nil
    /// for a single member.
    package let nllWithout: [Double]?
    /// Solver steps taken (EM or gradient steps).
    package let iterations: Int

    /// A step gaining less than this many nats per token ends the fit.
    package static let tolerance = 1e-12
    /// The most solver steps.
    package static let maximumIterations = 10_000

    /// Fits `combination` weights for `members` on `words` (tokens, no boundaries), scored
    /// `wordsPerBatch` words at a time as the evaluator scores them.
    package init(members: [any LanguageModel], combination: Ensemble.Combination, words: [[Int32]], wordsPerBatch: Int = 512) throws {
        guard !words.isEmpty else { throw MakemoreError.mismatch("no words to fit the ensemble weights on (the validation split is empty)") }
        _ = try Ensemble(members: members, weights: members.map { _ in 1 }, combination: combination)
        let scores = MemberScores(members: members, words: words, wordsPerBatch: wordsPerBatch, keepRows: combination == .product)
        let all = Array(members.indices)
        let (weights, nll, iterations) = scores.fit(combination, members: all)
        self.combination = combination
        self.weights = weights
        self.nll = nll
        self.iterations = iterations
        memberResults = scores.results
        nllWithout = members.count == 1 ? nil : all.map { k in scores.fit(combination, members: all.filter { $0 != k }).nll }
    }

    /// The ensemble of `members` with these weights.
    package func ensemble(of members: [any LanguageModel]) throws -> Ensemble {
        try Ensemble(members: members, weights: weights, combination: combination)
    }
}

/// The members' log-probabilities on the fit words: of each target, and for a product every
/// row; and the solvers that fit weights to them.
struct MemberScores {
    /// targets[k][i] = ln pₖ(yᵢ), prediction i of the words in evaluator order.
    let targets: [[Double]]
    /// rows[k]: member k's full rows (N × V), kept for a product only.
    let rows: [[Float]]
    /// The token of each prediction.
    let tokens: [Int32]
    let vocabularySize: Int
    /// Each member's NLL, summed as `Evaluator` sums it.
    let results: [NLLResult]

    init(members: [any LanguageModel], words: [[Int32]], wordsPerBatch: Int, keepRows: Bool) {
        let v = members[0].vocabularySize
        var targets = [[Double]](repeating: [], count: members.count)
        var rows = [[Float]](repeating: [], count: keepRows ? members.count : 0)
        var tokens: [Int32] = []
        var start = 0
        while start < words.count {
            let batch = Array(words[start..<min(start + wordsPerBatch, words.count)])
            let batchTokens = batch.flatMap { $0 + [Vocabulary.boundary] }
            for (k, member) in members.enumerated() {
                let logProbabilities = member.nextTokenLogProbabilities(words: batch)
                precondition(logProbabilities.count == batchTokens.count * v, "model returned \(logProbabilities.count / v) rows for \(batchTokens.count) predictions")
                for (row, token) in batchTokens.enumerated() { targets[k].append(Double(logProbabilities[row * v + Int(token)])) }
                if keepRows { rows[k] += logProbabilities }
            }
            tokens += batchTokens
            start += wordsPerBatch
        }
        self.targets = targets
        self.rows = rows
        self.tokens = tokens
        vocabularySize = v
        results = targets.map { t in NLLResult(totalNLL: t.reduce(0) { $0 - $1 }, tokens: t.count) }
    }

    /// Weights over all the members (0 outside `members`), the fitted mean NLL and the steps taken.
    func fit(_ combination: Ensemble.Combination, members: [Int]) -> (weights: [Double], nll: Double, iterations: Int) {
        let (fitted, iterations) = combination == .mixture ? expectationMaximisation(members) : exponentiatedGradient(members)
        var best = (weights: fitted, nll: -meanLogLikelihood(combination, members, fitted))
        for (position, k) in members.enumerated() where results[k].nll < best.nll {
            best = ((0..<members.count).map { $0 == position ? 1 : 0 }, results[k].nll)
        }
        var weights = [Double](repeating: 0, count: targets.count)
        for (position, k) in members.enumerated() { weights[k] = best.weights[position] }
        return (weights, best.nll, iterations)
    }

    /// The mean ln p of the targets under the ensemble of `members` with `weights`.
    func meanLogLikelihood(_ combination: Ensemble.Combination, _ members: [Int], _ weights: [Double]) -> Double {
        combination == .mixture ? mixtureLogLikelihood(members, weights) : productStatistics(members, weights, gradient: false).logLikelihood
    }

    // MARK: Mixture

    func mixtureLogLikelihood(_ members: [Int], _ weights: [Double]) -> Double {
        var total = 0.0
        for i in tokens.indices {
            var terms = [Double](repeating: -.infinity, count: members.count)
            for (position, k) in members.enumerated() where weights[position] > 0 { terms[position] = Foundation.log(weights[position]) + targets[k][i] }
            total += Ensemble.logSumExp(terms)
        }
        return total / Double(tokens.count)
    }

    /// EM from equal weights. Predictions no member gives any probability are left out: they
    /// cost +∞ whatever the weights.
    func expectationMaximisation(_ members: [Int]) -> (weights: [Double], iterations: Int) {
        let m = members.count
        guard m > 1 else { return ([1], 0) }
        // q[i·m + j] = pⱼ(yᵢ) / maxⱼ pⱼ(yᵢ), and the shift ln maxⱼ pⱼ(yᵢ).
        var q: [Double] = [], shifts: [Double] = []
        for i in tokens.indices {
            let largest = members.map { targets[$0][i] }.max()!
            guard largest > -.infinity else { continue }
            shifts.append(largest)
            for k in members { q.append(Foundation.exp(targets[k][i] - largest)) }
        }
        let n = shifts.count
        guard n > 0 else { return (Array(repeating: 1 / Double(m), count: m), 0) }
        var weights = [Double](repeating: 1 / Double(m), count: m)
        var previous = -Double.infinity
        for iteration in 1...EnsembleFit.maximumIterations {
            var next = [Double](repeating: 0, count: m)
            var logLikelihood = 0.0
            for i in 0..<n {
                var mixture = 0.0
                for j in 0..<m { mixture += weights[j] * q[i * m + j] }
                logLikelihood += shifts[i] + Foundation.log(mixture)
                for j in 0..<m { next[j] += weights[j] * q[i * m + j] / mixture }
            }
            // logLikelihood is that of `weights`, before this update.
            let gain = logLikelihood / Double(n) - previous
            previous = logLikelihood / Double(n)
            let total = next.reduce(0, +)
            weights = next.map { $0 / total }
            if gain < EnsembleFit.tolerance { return (weights, iteration) }
        }
        return (weights, EnsembleFit.maximumIterations)
    }

    // MARK: Product

    /// The mean log-likelihood of the product of `members` with `weights` and, when asked, its
    /// gradient with respect to the weights.
    func productStatistics(_ members: [Int], _ weights: [Double], gradient wantGradient: Bool) -> (logLikelihood: Double, gradient: [Double]) {
        let v = vocabularySize, m = members.count
        var total = 0.0
        var gradient = [Double](repeating: 0, count: m)
        var scores = [Double](repeating: 0, count: v)
        var floored = [Double](repeating: 0, count: m * v)
        for i in tokens.indices {
            for (position, k) in members.enumerated() {
                for x in 0..<v { floored[position * v + x] = max(Double(rows[k][i * v + x]), Ensemble.productFloor) }
            }
            for x in 0..<v {
                var score = 0.0
                for j in 0..<m { score += weights[j] * floored[j * v + x] }
                scores[x] = score
            }
            let normaliser = Ensemble.logSumExp(scores)
            let y = Int(tokens[i])
            total += scores[y] - normaliser
            guard wantGradient else { continue }
            for x in 0..<v {
                let q = Foundation.exp(scores[x] - normaliser)
                for j in 0..<m { gradient[j] -= q * floored[j * v + x] }
            }
            for j in 0..<m { gradient[j] += floored[j * v + y] }
        }
        let n = Double(tokens.count)
        return (total / n, gradient.map { $0 / n })
    }

    /// Exponentiated-gradient ascent from equal weights with a step that doubles after a gain
    /// and halves (up to 40 times) until a step gains.
    func exponentiatedGradient(_ members: [Int]) -> (weights: [Double], iterations: Int) {
        let m = members.count
        guard m > 1 else { return ([1], 0) }
        var weights = [Double](repeating: 1 / Double(m), count: m)
        var (current, gradient) = productStatistics(members, weights, gradient: true)
        var step = 1.0
        for iteration in 1...EnsembleFit.maximumIterations {
            var accepted = false
            for _ in 0..<40 {
                let largest = gradient.max()!
                let proposed = zip(weights, gradient).map { $0 * Foundation.exp(step * ($1 - largest)) }
                let total = proposed.reduce(0, +)
                let candidate = proposed.map { $0 / total }
                let statistics = productStatistics(members, candidate, gradient: true)
                if statistics.logLikelihood > current {
                    let gain = statistics.logLikelihood - current
                    weights = candidate
                    (current, gradient) = statistics
                    step *= 2
                    accepted = true
                    if gain < EnsembleFit.tolerance { return (weights, iteration) }
                    break
                }
                step /= 2
            }
            if !accepted { return (weights, iteration) }
        }
        return (weights, EnsembleFit.maximumIterations)
    }
}
