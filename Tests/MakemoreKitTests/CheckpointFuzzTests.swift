import Foundation
import Testing
@testable import MakemoreKit

/// Hostile checkpoints: configurations out of range, non-finite weights, and a few hundred
/// seeded mutations of real checkpoints, loaded through the path the CLI uses
/// (`Checkpoint.read` → `StageRegistry.restoreModel` → evaluate and sample). Each either works or
/// throws a one-line `MakemoreError`; a trap would end the test process.
@Suite struct CheckpointFuzzTests {
    static let vocabulary = Vocabulary(words: ["abc", "cab", "bead"])
    static let record = SplitRecord(input: "/no/such/words.txt", directory: nil, seed: 1, valFraction: 0.1, testFraction: 0.1)

    /// One tiny trained-shape model of every kind.
    static func tinyCheckpoints() throws -> [Checkpoint] {
        let v = vocabulary.size
        var generator = RandomGenerator(seed: 11)
        var mlp = MLPConfiguration(vocabularySize: v)
        (mlp.hiddenSize, mlp.embeddingDimensions, mlp.hiddenLayers) = (6, 3, 2)
        var wavenet = WaveNetConfiguration(vocabularySize: v)
        (wavenet.contextLength, wavenet.embeddingDimensions, wavenet.hiddenSize) = (4, 3, 5)
        let sequence = SequenceModelConfiguration(vocabularySize: v, blockSize: 6, embedding: 4, hidden: 5)
        let transformer = TransformerConfiguration(vocabularySize: v, blockSize: 6, layers: 1, heads: 2, embedding: 4)
        func checkpoint<M: CheckpointableModel>(_ model: M) throws -> Checkpoint {
            try Checkpoint(model: model, vocabulary: vocabulary, split: record, step: 1, valLoss: nil)
        }
        return [
            try checkpoint(CountBigram(words: [[1, 2, 3], [3, 1]], vocabularySize: v, smoothing: 1)),
            try checkpoint(NeuralBigram(vocabularySize: v, using: &generator)),
            try checkpoint(MLP(configuration: mlp, using: &generator)),
            try checkpoint(WaveNet(configuration: wavenet, using: &generator)),
            try checkpoint(RNN(configuration: sequence, using: &generator)),
            try checkpoint(GRU(configuration: sequence, using: &generator)),
            try checkpoint(BagOfWords(configuration: sequence, using: &generator)),
            try checkpoint(MakemoreMLP(configuration: sequence, using: &generator)),
            try checkpoint(Transformer(configuration: transformer, using: &generator)),
        ]
    }

    /// Loads `data` as the CLI's `sample` and `eval` do; nil if it worked, else the message.
    static func load(_ data: Data, at path: String) -> String? {
        do {
            try data.write(to: URL(fileURLWithPath: path))
            let checkpoint = try Checkpoint.read(path: path)
            let model = try StageRegistry.restoreModel(checkpoint, source: path)
            let words: [[Int32]] = [[1, 2], [Int32(checkpoint.vocabulary.size - 1)]]
            _ = try Evaluator.evaluate(model, words: words)?.checked(split: "val")
            var generator = RandomGenerator(seed: 3)
            _ = try Sampler.generate(model, count: 3, options: SamplingOptions(maximumLength: 8), using: &generator)
            return nil
        } catch let error as MakemoreError {
            return error.description
        } catch {
            return "not a MakemoreError: \(error)"
        }
    }

    static func metadataEdited(_ data: Data, _ edit: (inout [String: String]) -> Void) throws -> Data {
        var file = try SafetensorsFile.decode(data, name: "x")
        edit(&file.metadata)
        return try file.encoded()
    }

    /// `json` (an object) with `key` set to the JSON text `value`.
    static func settingJSON(_ json: String, key: String, to value: String) -> String {
        guard let object = try? JSONParser.parse(json), case .object(let members) = object else { return json }
        let text = members.map { name, member in
            "\(JSONValue.string(name).serialized):\(name == key ? value : member.serialized)"
        }
        return "{" + text.joined(separator: ",") + "}"
    }

    @Test func hostileConfigurationValuesAreRefusedBeforeTheModelIsBuilt() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.safetensors").path
        try Self.tinyCheckpoints()[2].write(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for (value, message) in [("0", "context_length must be in 1...64, got 0"),
                                 ("-5", "context_length must be in 1...64, got -5")] {
            let edited = try Self.metadataEdited(data) { $0["config"] = Self.settingJSON($0["config"]!, key: "context_length", to: value) }
            #expect(Self.load(edited, at: path) == "\(path): \(message)")
        }
        for (value, message) in [("1000000000000", "hidden_size must be in 1...16384, got 1000000000000"),
                                 ("-5", "hidden_size must be in 1...16384, got -5")] {
            let edited = try Self.metadataEdited(data) { $0["config"] = Self.settingJSON($0["config"]!, key: "hidden_size", to: value) }
            #expect(Self.load(edited, at: path) == "\(path): \(message)")
        }
        // In range but not what the tensors hold: refused by the size check, before building.
        let wider = try Self.metadataEdited(data) { $0["config"] = Self.settingJSON($0["config"]!, key: "hidden_size", to: "16384") }
        #expect(Self.load(wider, at: path)?.hasPrefix("\(path): the tensors hold") == true)
    }

    @Test func nonFiniteWeightsAreARuntimeErrorNamingTheTensor() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.safetensors").path
        for (value, text) in [(Float.nan, "NaN"), (.infinity, "+inf"), (-.infinity, "-inf")] {
            var checkpoint = try Self.tinyCheckpoints()[2]
            checkpoint.tensors[1].values[0] = value
            try checkpoint.write(to: path)
            #expect(Self.load(try Data(contentsOf: URL(fileURLWithPath: path)), at: path)
                    == "\(path): tensor \"\(checkpoint.tensors[1].name)\" holds a non-finite value (\(text))")
        }
        // Finite weights whose logits overflow: sampling and evaluation refuse, never trap.
        var huge = try Self.tinyCheckpoints()[2]
        for t in huge.tensors.indices { huge.tensors[t].values = huge.tensors[t].values.indices.map { $0 % 2 == 0 ? 3e38 : -3e38 } }
        try huge.write(to: path)
        let message = Self.load(try Data(contentsOf: URL(fileURLWithPath: path)), at: path)
        #expect(message?.contains("not a number") == true, "\(message ?? "loaded")")
    }

    @Test func theSizeOfEveryModelIsKnownFromItsConfiguration() throws {
        for checkpoint in try Self.tinyCheckpoints() {
            let type = type(of: try StageRegistry.restoreModel(checkpoint, source: checkpoint.kind))
            #expect(Self.stateElements(type, checkpoint) == Double(checkpoint.tensors.reduce(0) { $0 + $1.values.count }), "\(checkpoint.kind)")
        }
    }

    static func stateElements<M: CheckpointableModel>(_ type: M.Type, _ checkpoint: Checkpoint) -> Double? {
        guard let configuration = try? JSONDecoder().decode(M.Configuration.self, from: Data(checkpoint.configuration.utf8)) else { return nil }
        return M.stateElementCount(configuration: configuration, vocabularySize: checkpoint.vocabulary.size)
    }

    @Test func aRunThatCannotFitIsRefusedByTheEstimate() throws {
        var big = MLPConfiguration(vocabularySize: 27)
        (big.hiddenSize, big.hiddenLayers) = (16384, 64)
        let refused = MemoryEstimate(MLP.self, configuration: big, vocabularySize: 27, rowsPerStep: 32)
        #expect(throws: MakemoreError.self) { try refused.check(available: 24 * 1_073_741_824) }
        let lecture = MemoryEstimate(MLP.self, configuration: MLPConfiguration(vocabularySize: 27), vocabularySize: 27, rowsPerStep: 32)
        try lecture.check(available: 24 * 1_073_741_824)
        let transformer = TransformerConfiguration(vocabularySize: 27, blockSize: 16)
        let hugeBatch = MemoryEstimate(Transformer.self, configuration: transformer, vocabularySize: 27, rowsPerStep: 10_000_000 * 16)
        #expect(throws: MakemoreError.self) { try hugeBatch.check(available: 24 * 1_073_741_824) }
    }

    /// Issue 22, class 5: a small bare state dict declaring 64 layers of block size 4096 (the
    /// causal masks alone are 4 GiB) passes the memory check of a model built from flags before
    /// anything is built. Where the machine could hold it, the estimate is only checked to exceed
    /// the masks.
    @Test func aBareStateDictDeclaringAHugeModelPassesTheMemoryCheck() throws {
        var generator = RandomGenerator(seed: 1)
        let tiny = try Transformer(configuration: TransformerConfiguration(vocabularySize: 3, blockSize: 8, layers: 64, heads: 1, embedding: 4), using: &generator)
        var file = SafetensorsFile(tensors: tiny.stateTensors().filter { !$0.name.hasSuffix(".attn.bias") })
        let wpe = try #require(file.tensors.firstIndex { $0.name == "transformer.wpe.weight" })
        file.tensors[wpe] = SafetensorsFile.Tensor(name: "transformer.wpe.weight", shape: [4096, 4], values: Array(repeating: 0, count: 4096 * 4))
        let huge = TransformerConfiguration(vocabularySize: 3, blockSize: 4096, layers: 64, heads: 1, embedding: 4)
        let estimate = MemoryEstimate(Transformer.self, configuration: huge, vocabularySize: 3, rowsPerStep: 0)
        #expect(estimate.stateElements > 64 * 4096 * 4096)
        guard estimate.bytes > MemoryEstimate.physicalMemory else { return }
        #expect(throws: MakemoreError.self) { _ = try ImportedModel(stateDict: file, heads: 1, source: "huge.safetensors") }
        do {
            _ = try ImportedModel(stateDict: file, heads: 1, source: "huge.safetensors")
        } catch let error as MakemoreError {
            #expect(error.description.hasPrefix("huge.safetensors: this run needs about"), "\(error.description)")
        }
    }

    /// Mutations per model kind; 9 kinds.
    static let mutationsPerKind = 40

    @Test func seededMutationsLoadOrFailWithOneLine() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.safetensors").path
        var generator = RandomGenerator(seed: 2026)
        let hostileValues = ["0", "-5", "1000000000000", "1e300", "4097", "65", "3.5", "\"x\"", "null", "true", "9223372036854775807", "[]"]
        var outcomes = (loaded: 0, refused: 0)
        for checkpoint in try Self.tinyCheckpoints() {
            try checkpoint.write(to: path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
            for m in 0..<Self.mutationsPerKind {
                var mutated = data
                switch m % 5 {
                case 0:  // flip bits in a few bytes anywhere
                    for _ in 0..<(1 + generator.integer(below: 4)) {
                        mutated[generator.integer(below: mutated.count)] ^= UInt8(1 << generator.integer(below: 8))
                    }
                case 1:  // truncate
                    mutated = mutated.prefix(generator.integer(below: mutated.count))
                case 2:  // a configuration value replaced
                    let config = try #require(try JSONParser.parse(checkpoint.configuration).objectValue)
                    let key = config[generator.integer(below: config.count)].0
                    let value = hostileValues[generator.integer(below: hostileValues.count)]
                    mutated = try Self.metadataEdited(data) { $0["config"] = Self.settingJSON($0["config"]!, key: key, to: value) }
                case 3:  // other metadata: kind, vocabulary, step, split
                    let edits: [(inout [String: String]) -> Void] = [
                        { $0["model"] = ["mlp", "transformer", "bigram", "gru", "x"][generator.integer(below: 5)] },
                        { $0["vocabulary"] = "[\"a\"]" }, { $0["vocabulary"] = "[" + (0..<2000).map { "\"\(Character(UnicodeScalar(0x4E00 + $0)!))\"" }.joined(separator: ",") + "]" },
                        { $0["vocabulary"] = "[\"a\",\"a\"]" }, { $0["step"] = "-1" }, { $0["split"] = "{}" }, { $0["config"] = "[]" },
                        { $0.removeValue(forKey: "format") },
                    ]
                    mutated = try Self.metadataEdited(data, edits[generator.integer(below: edits.count)])
                default:  // a weight made NaN, ±inf or huge, straight in the data section
                    let values = (data.count - 8 - headerLength) / 4
                    let offset = 8 + headerLength + 4 * generator.integer(below: values)
                    let value = [Float.nan, .infinity, -.infinity, 3e38, -3e38][generator.integer(below: 5)]
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { mutated.replaceSubrange(offset..<(offset + 4), with: $0) }
                }
                if let message = Self.load(mutated, at: path) {
                    #expect(!message.hasPrefix("not a MakemoreError") && !message.contains("\n"), "\(checkpoint.kind) mutation \(m): \(message)")
                    outcomes.refused += 1
                } else {
                    outcomes.loaded += 1
                }
            }
        }
        #expect(outcomes.loaded + outcomes.refused == 9 * Self.mutationsPerKind)
        #expect(outcomes.refused > outcomes.loaded)
    }
}
