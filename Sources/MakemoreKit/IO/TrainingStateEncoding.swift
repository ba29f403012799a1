import Foundation

/// How a checkpoint stores a `TrainingState`: tensors named `training_state.<group>.<i>`
/// (`weights`, `first`, `second`, `average`, `best` by state-dict or parameter index, and
/// `sampler.permutation`) next to the model's own state-dict keys, and `training_state.*`
/// metadata for the numbers (decimal text; generators as their state words).
extension TrainingState {
    /// The prefix of every tensor and metadata key of the state.
    static let prefix = "training_state."

    /// The state's tensors.
    var tensors: [SafetensorsFile.Tensor] {
        func group(_ name: String, _ arrays: [[Float]?]) -> [SafetensorsFile.Tensor] {
            arrays.enumerated().compactMap { index, values in
                values.map { SafetensorsFile.Tensor(name: "\(Self.prefix)\(name).\(index)", shape: [$0.count], values: $0) }
            }
        }
        var tensors = group("weights", weights) + group("first", moments.first) + group("second", moments.second)
        if let average { tensors += group("average", average.values) }
        if let best = best?.weights { tensors += group("best", best) }
        if let sampler {
            tensors.append(SafetensorsFile.Tensor(name: Self.prefix + "sampler.permutation", shape: [sampler.permutation.count],
                                                  values: sampler.permutation.map(Float.init)))
        }
        return tensors
    }

    /// The state's metadata entries.
    func metadata() throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func words(_ state: [UInt64]) -> String { state.map(String.init).joined(separator: " ") }
        var m = [
            "step": String(step), "training": String(decoding: try encoder.encode(training), as: UTF8.self),
            "parameters": String(moments.first.count), "optimizer_step": String(optimizerStep),
            "generator": words(generator), "streams": streams.map(words).joined(separator: ";"),
        ]
        if let average { m["average_count"] = String(average.count) }
        if let best {
            m["best_step"] = String(best.step)
            m["best_loss"] = String(best.loss)
        }
        if let sampler { m["sampler_drawn"] = String(sampler.drawn) }
        return Dictionary(uniqueKeysWithValues: m.map { (Self.prefix + $0.key, $0.value) })
    }

    /// The state stored in `tensors` (the `training_state.` ones) and `metadata`, if the file
    /// has one; throws, naming `path` and the entry, for one that is malformed.
    ///
    /// Every count is bounded before anything is sized by it, so a hostile number costs nothing:
    /// `step` by the run's `steps` (itself at most 100 000 000), the optimizer's step, the moving
    /// average's count and the best evaluation's step by `step` (so no counter can overflow when
    /// the run continues, and the best evaluation is one the run made), `parameters` by the
    /// `weights` tensors present (a parameter is a state-dict entry), and the sampler's drawn
    /// rows by the 2²⁴ rows a batch order may index (the training set's own size is checked
    /// when the state is restored).
    init?(tensors: [SafetensorsFile.Tensor], metadata: [String: String], path: String) throws {
        guard metadata[Self.prefix + "step"] != nil else {
            if let stray = tensors.first(where: { $0.name.hasPrefix(Self.prefix) }) {
                throw MakemoreError.file(path: path, reason: "tensor '\(stray.name)' without the training state's metadata")
            }
            return nil
        }
        func fail(_ what: String) -> MakemoreError { MakemoreError.file(path: path, reason: "the training state's \(what) is malformed") }
        /// The count stored under `key`, which must lie in 0...`limit`.
        func count(_ key: String, atMost limit: Int) throws -> Int {
            guard let text = metadata[Self.prefix + key], let value = Int(text) else { throw fail(key) }
            return try MakemoreError.within(file: path) { try Limit(Self.prefix + key, 0...limit).check(value) }
        }
        func words(_ text: String) -> [UInt64]? {
            let words = text.split(separator: " ").map { UInt64($0) }
            return words.contains(nil) ? nil : words.compactMap { $0 }
        }
        guard let text = metadata[Self.prefix + "training"],
              let training = try? JSONDecoder().decode(TrainingConfiguration.self, from: Data(text.utf8)) else { throw fail("training") }
        try MakemoreError.within(file: path) { try training.validate() }
        let step = try count("step", atMost: training.steps)
        var byName = [String: [Float]]()
        for tensor in tensors where tensor.name.hasPrefix(Self.prefix) { byName[tensor.name] = tensor.values }
        var used = Set<String>()
        func group(_ name: String, count: Int) -> [[Float]?] {
            (0..<count).map { index in
                let key = "\(Self.prefix)\(name).\(index)"
                if byName[key] != nil { used.insert(key) }
                return byName[key]
            }
        }
        func complete(_ name: String, count: Int) throws -> [[Float]] {
            let arrays = group(name, count: count)
            guard !arrays.contains(where: { $0 == nil }) else { throw fail("\(name) tensors") }
            return arrays.compactMap { $0 }
        }
        let weightCount = byName.keys.filter { $0.hasPrefix(Self.prefix + "weights.") }.count
        let parameters = try count("parameters", atMost: weightCount)
        let weights = try complete("weights", count: weightCount)
        let moments = (first: group("first", count: parameters), second: group("second", count: parameters))
        var average: (count: Int, values: [[Float]])?
        if metadata[Self.prefix + "average_count"] != nil {
            average = (try count("average_count", atMost: step), try complete("average", count: parameters))
        }
        var best: (step: Int, loss: Double, weights: [[Float]]?)?
        if metadata[Self.prefix + "best_step"] != nil {
            guard let loss = metadata[Self.prefix + "best_loss"].flatMap(Double.init), loss.isFinite else { throw fail("best_loss") }
            let hasWeights = byName[Self.prefix + "best.0"] != nil
            best = (try count("best_step", atMost: step), loss, hasWeights ? try complete("best", count: weightCount) : nil)
        }
        var sampler: (permutation: [Int], drawn: Int)?
        if metadata[Self.prefix + "sampler_drawn"] != nil {
            let key = Self.prefix + "sampler.permutation"
            guard let values = byName[key], values.allSatisfy({ $0 >= 0 && $0 < 16_777_216 && $0 == $0.rounded() }) else {
                throw fail("sampler.permutation")
            }
            used.insert(key)
            sampler = (values.map { Int($0) }, try count("sampler_drawn", atMost: 16_777_216))
        }
        guard let generator = metadata[Self.prefix + "generator"].flatMap(words),
              let streamText = metadata[Self.prefix + "streams"] else { throw fail("generator") }
        let streams = streamText.isEmpty ? [] : streamText.split(separator: ";", omittingEmptySubsequences: false).map { words(String($0)) }
        guard !streams.contains(where: { $0 == nil }) else { throw fail("streams") }
        if let stray = byName.keys.sorted().first(where: { !used.contains($0) }) {
            throw MakemoreError.file(path: path, reason: "unexpected training-state tensor '\(stray)'")
        }
        self.init(step: step, training: training, weights: weights, optimizerStep: try count("optimizer_step", atMost: step), moments: moments,
                  average: average, best: best, sampler: sampler, generator: generator, streams: streams.compactMap { $0 })
        source = path
    }
}
