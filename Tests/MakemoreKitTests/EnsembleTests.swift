import Foundation
import Testing
@testable import MakemoreKit

/// `Ensemble` (mixture and product of experts) and `EnsembleFit` (EM, exponentiated gradient)
/// on toy models over 6 tokens.
@Suite struct EnsembleTests {
    static let v = 6
    static let fitWords = ModelTesting.words(count: 40, seed: 5).map { $0.map { $0 % 5 + 1 } }

    /// A count bigram, an MLP trained a few steps and a small transformer, all over 6 tokens.
    static func members() throws -> [any LanguageModel] {
        let words = ModelTesting.words(count: 60, seed: 2).map { $0.map { $0 % 5 + 1 } }
        var mlp = MLPConfiguration(vocabularySize: v)
        mlp.hiddenSize = 12
        mlp.embeddingDimensions = 3
        let (trained, _): (MLP, TrainingHistory) = try ModelTesting.train(mlp, words: words, seed: 3, steps: 60)
        trained.setTraining(false)
        var generator = RandomGenerator(seed: 4)
        let transformer = try Transformer(configuration: TransformerConfiguration(vocabularySize: v, blockSize: 9, layers: 1, heads: 2, embedding: 8),
                                      using: &generator)
        transformer.setTraining(false)
        return [CountBigram(words: words, vocabularySize: v, smoothing: 1), trained, transformer]
    }

    /// A fixed next-token distribution after every prefix.
    struct Constant: LanguageModel {
        let logProbabilities: [Float]
        var vocabularySize: Int { logProbabilities.count }
        var maximumWordLength: Int? { nil }
        func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] {
            Array(repeating: logProbabilities, count: words.reduce(0) { $0 + $1.count + 1 }).flatMap { $0 }
        }
    }

    @Test(arguments: [Ensemble.Combination.mixture, .product], 0..<3)
    func oneModelEnsembleIsExactlyTheModel(combination: Ensemble.Combination, index: Int) throws {
        let model = try Self.members()[index]
        let single = try Ensemble(members: [model], weights: [1], combination: combination)
        #expect(single.nextTokenLogProbabilities(words: Self.fitWords) == model.nextTokenLogProbabilities(words: Self.fitWords))
        #expect(Evaluator.evaluate(single, words: Self.fitWords) == Evaluator.evaluate(model, words: Self.fitWords))
        #expect(single.defaultSamplingBatchSize == model.defaultSamplingBatchSize && single.maximumWordLength == model.maximumWordLength)
        for options in [SamplingOptions(), SamplingOptions(temperature: 0.7, topK: 3, prefix: [2, 3], batchSize: 4)] {
            var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
            #expect(try Sampler.generate(single, count: 25, options: options, using: &a) == Sampler.generate(model, count: 25, options: options, using: &b))
        }
        let fit = try EnsembleFit(members: [model], combination: combination, words: Self.fitWords)
        #expect(fit.weights == [1] && fit.nllWithout == nil)
        #expect(fit.memberResults == [Evaluator.evaluate(model, words: Self.fitWords)])
    }

    /// A member of weight 0 is never run: the others' rows come out unchanged.
    @Test func zeroWeightMembersDropOut() throws {
        let members = try Self.members()
        let ensemble = try Ensemble(members: members, weights: [0, 2, 0])
        #expect(ensemble.weights == [0, 1, 0])
        #expect(ensemble.nextTokenLogProbabilities(words: Self.fitWords) == members[1].nextTokenLogProbabilities(words: Self.fitWords))
    }

    /// Hand-computed rows: Σ wₖ pₖ, and Π pₖ^wₖ normalised.
    @Test func mixtureAndProductOfTwoFixedDistributions() throws {
        let p: [Double] = [0.1, 0.2, 0.3, 0.4], q: [Double] = [0.4, 0.4, 0.1, 0.1]
        let members = [p, q].map { Constant(logProbabilities: $0.map { Float(log($0)) }) }
        let mixture = try Ensemble(members: members, weights: [1, 3], combination: .mixture).nextTokenLogProbabilities(after: [1])
        let product = try Ensemble(members: members, weights: [1, 3], combination: .product).nextTokenLogProbabilities(after: [1])
        let geometric = zip(p, q).map { pow($0, 0.25) * pow($1, 0.75) }
        for x in 0..<4 {
            #expect(abs(Double(mixture[x]) - log(0.25 * p[x] + 0.75 * q[x])) < 1e-6)
            #expect(abs(Double(product[x]) - log(geometric[x] / geometric.reduce(0, +))) < 1e-6)
        }
    }

    /// Every row of either combination is a distribution, and the batch decoder (one per member,
    /// the transformer's cache, the MLP's windows) gives the whole-word rows.
    @Test(arguments: [Ensemble.Combination.mixture, .product])
    func rowsAreDistributionsAndDecodingMatchesWholeWords(combination: Ensemble.Combination) throws {
        let ensemble = try Ensemble(members: Self.members(), weights: [0.2, 0.3, 0.5], combination: combination)
        let rows = ensemble.nextTokenLogProbabilities(words: Self.fitWords)
        for start in stride(from: 0, to: rows.count, by: Self.v) {
            #expect(abs(Ensemble.logSumExp(rows[start..<(start + Self.v)].map(Double.init))) < 1e-5)
        }
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(ensemble)
        ModelTesting.expectBatchDecoderMatchesTheFullForward(ensemble)
        try ModelTesting.expectBatchedSamplingKeepsEachWordsSemantics(ensemble)
    }

    @Test(arguments: [Ensemble.Combination.mixture, .product])
    func fittedWeightsAreOnTheSimplexAndReproducible(combination: Ensemble.Combination) throws {
        let members = try Self.members()
        let a = try EnsembleFit(members: members, combination: combination, words: Self.fitWords)
        let b = try EnsembleFit(members: members, combination: combination, words: Self.fitWords)
        #expect(a.weights == b.weights && a.nll == b.nll)
        #expect(a.weights.allSatisfy { $0 >= 0 })
        #expect(abs(a.weights.reduce(0, +) - 1) < 1e-12)
        #expect(a.nllWithout?.count == 3)
        #expect(a.memberResults == members.map { Evaluator.evaluate($0, words: Self.fitWords) })
    }

    /// On the words it was fitted on, the fitted ensemble (through the evaluator) is never worse
    /// than its best member, and the refit without a member never better than with it.
    @Test(arguments: [Ensemble.Combination.mixture, .product])
    func fittedEnsembleBeatsItsBestMemberOnTheFitWords(combination: Ensemble.Combination) throws {
        let members = try Self.members()
        let fit = try EnsembleFit(members: members, combination: combination, words: Self.fitWords)
        let ensemble = try fit.ensemble(of: members)
        let nll = try #require(Evaluator.evaluate(ensemble, words: Self.fitWords)).nll
        let best = fit.memberResults.map(\.nll).min()!
        #expect(nll <= best + 1e-9)
        #expect(abs(nll - fit.nll) < 1e-6)
        for without in try #require(fit.nllWithout) { #expect(without >= fit.nll - 1e-9) }  // to the solvers' tolerance
    }

    /// Against a uniform member, or one that gives every character probability 0 (an infinite
    /// NLL), either fit still ends no worse than the good member alone, with finite weights.
    @Test(arguments: [Ensemble.Combination.mixture, .product])
    func aUselessMemberNeverMakesTheFitWorse(combination: Ensemble.Combination) throws {
        let good = try Self.members()[0]
        let uniform = Constant(logProbabilities: Array(repeating: Float(-log(Double(Self.v))), count: Self.v))
        let never = Constant(logProbabilities: [0] + Array(repeating: -.infinity, count: Self.v - 1))  // only the boundary
        for bad in [uniform, never] {
            let fit = try EnsembleFit(members: [good, bad], combination: combination, words: Self.fitWords)
            #expect(fit.nll.isFinite && fit.nll <= fit.memberResults[0].nll)
            #expect(fit.weights.allSatisfy { $0.isFinite && $0 >= 0 } && abs(fit.weights.reduce(0, +) - 1) < 1e-12)
            let nll = try #require(Evaluator.evaluate(try fit.ensemble(of: [good, bad]), words: Self.fitWords)).nll
            #expect(nll <= fit.memberResults[0].nll + 1e-9)
        }
    }

    /// The solvers reach the optimum of a fine grid over two members' weights.
    @Test(arguments: [Ensemble.Combination.mixture, .product])
    func solversReachTheGridOptimum(combination: Ensemble.Combination) throws {
        let members = Array(try Self.members().suffix(2))
        let fit = try EnsembleFit(members: members, combination: combination, words: Self.fitWords)
        let scores = MemberScores(members: members, words: Self.fitWords, wordsPerBatch: 512, keepRows: true)
        let grid = (0...1000).map { Double($0) / 1000 }.map { -scores.meanLogLikelihood(combination, [0, 1], [$0, 1 - $0]) }.min()!
        #expect(fit.nll <= grid + 1e-9)
        #expect(fit.nll >= grid - 1e-4)
    }

    @Test func invalidEnsemblesThrow() throws {
        let members = try Self.members()
        let other = Constant(logProbabilities: Array(repeating: Float(-log(7.0)), count: 7))
        #expect(throws: MakemoreError.self) { try Ensemble(members: [], weights: []) }
        #expect(throws: MakemoreError.self) { try Ensemble(members: members + [other], weights: [1, 1, 1, 1]) }
        for weights in [[1, 1], [1, -1, 1], [1, .nan, 1], [0, 0, 0], [1, .infinity, 1]] as [[Double]] {
            #expect(throws: MakemoreError.self) { try Ensemble(members: members, weights: weights) }
        }
        #expect(throws: MakemoreError.self) { try EnsembleFit(members: members, combination: .mixture, words: []) }
    }

    // MARK: Loaded ensembles

    static func loaded(_ model: any LanguageModel, characters: String = "abcde", split: DatasetSplit) -> LoadedModel {
        LoadedModel(kind: "test", model: model, vocabulary: Vocabulary(characters: Array(characters)), split: { split })
    }

    static let split = DatasetSplit(train: ["abc", "bcd", "cde"], val: ["ace", "bad", "dab", "eb"], test: ["cab", "bead"])

    /// The weights come from the val words alone: other test words give the same fit.
    @Test func theFitNeverSeesTheTestWords() throws {
        let members = try Self.members()
        func fit(_ split: DatasetSplit) throws -> LoadedEnsemble {
            try LoadedEnsemble(models: members.enumerated().map { ("m\($0.offset)", Self.loaded($0.element, split: split)) }, combination: .mixture, weights: nil)
        }
        let a = try fit(Self.split)
        var other = Self.split
        other.test = ["eeee", "a"]
        let b = try fit(other)
        #expect(a.ensemble.weights == b.ensemble.weights)
        let val = try Dataset(split: Self.split, vocabulary: Vocabulary(characters: Array("abcde"))).val
        #expect(try a.ensemble.weights == EnsembleFit(members: members, combination: .mixture, words: val).weights)
        #expect(a.members.map(\.val) == members.map { Evaluator.evaluate($0, words: val) })
        #expect(a.loaded.kind == "ensemble" && a.loaded.parameterCount == a.ensemble.parameterCount)
    }

    @Test func differentVocabulariesOrSplitsAreRefusedNamingTheFiles() throws {
        let members = try Self.members()
        let vocabularies = #expect(throws: MakemoreError.self) {
            try LoadedEnsemble(models: [("a.safetensors", Self.loaded(members[0], split: Self.split)),
                                        ("b.safetensors", Self.loaded(members[1], characters: "abcdf", split: Self.split))], combination: .mixture, weights: nil)
        }
        #expect(vocabularies?.description.hasPrefix("a.safetensors and b.safetensors have different vocabularies") == true)
        var moved = Self.split
        moved.val.swapAt(0, 1)
        moved.train.append(moved.val.removeLast())
        let splits = #expect(throws: MakemoreError.self) {
            try LoadedEnsemble(models: [("a.safetensors", Self.loaded(members[0], split: Self.split)),
                                        ("b.safetensors", Self.loaded(members[1], split: moved))], combination: .product, weights: [1, 1])
        }
        #expect(splits?.description == "a.safetensors and b.safetensors were trained on different splits (their train words differ); an ensemble's models must share one split")
        var shuffled = Self.split
        shuffled.val.reverse()
        _ = try LoadedEnsemble(models: [("a", Self.loaded(members[0], split: Self.split)), ("b", Self.loaded(members[1], split: shuffled))],
                               combination: .mixture, weights: [1, 1])
    }

    @Test func theMemoryCheckCountsTheFilesAndTheScores() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-memory-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.safetensors").path
        try Data(count: 1000).write(to: URL(fileURLWithPath: path))
        try LoadedEnsemble.checkMemory(paths: [path, path], combination: .product, fitTokens: 10, vocabularySize: 6, available: 4000 + 2 * 10 * 32)
        #expect(throws: MakemoreError.self) {
            try LoadedEnsemble.checkMemory(paths: [path, path], combination: .product, fitTokens: 10, vocabularySize: 6, available: 4000 + 2 * 10 * 32 - 1)
        }
    }
}
