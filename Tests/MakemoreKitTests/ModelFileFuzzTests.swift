import Foundation
import Testing
@testable import MakemoreKit

/// The checkpoint fuzzer's second half: seeded structure-aware mutations of makemore.py's
/// `model.pt` archives (zip offsets, sizes and entry counts; pickle opcodes, integers, shapes,
/// strides and storage sizes) and of the `training_state.*` of a resumable checkpoint, each
/// loaded through the path `eval`, `sample` and `--resume` take. Every mutant must load or fail
/// with one line, within a bound of work and memory: a valid load holds no more values than
/// the file has bytes, and the whole run stays within the process's memory and a few tens of
/// seconds of a debug build. `MAKEMORE_FUZZ_MUTANTS=N swift test --filter ModelFileFuzzTests`
/// runs N mutants per fixture instead (the longer run of docs/errors.md).
@Suite struct ModelFileFuzzTests {
    /// Mutants per fixture: 6 model.pt fixtures and one resumable checkpoint.
    static let mutants = ProcessInfo.processInfo.environment["MAKEMORE_FUZZ_MUTANTS"].flatMap(Int.init) ?? 300

    /// Integers a hostile file puts where a size, offset or count belongs.
    static let hostileIntegers: [Int] = [0, 1, -1, 2, 7, 255, 65_535, 1 << 31 - 1, -(1 << 31), 1 << 32, 1 << 40, 1 << 62, Int.max, Int.min]

    /// Loads a bare state dict's bytes as `eval` and `sample` do; nil if it worked, else the
    /// message. A valid load must hold no more values than the file has bytes.
    static func loadTorch(_ bytes: [UInt8]) -> String? {
        do {
            let file = try TorchCheckpoint.decode(bytes, name: "m.pt")
            #expect(file.tensors.reduce(0) { $0 + $1.values.count } <= bytes.count)
            let model = try ImportedModel(stateDict: file, blockSize: 8, source: "m.pt").model
            let v = model.vocabularySize
            let words: [[Int32]] = [[1, Int32(v - 1)], [Int32(v / 2)]]
            _ = try Evaluator.evaluate(model, words: words)?.checked(split: "val")
            var generator = RandomGenerator(seed: 3)
            _ = try Sampler.generate(model, count: 2, options: SamplingOptions(maximumLength: 6), using: &generator)
            return nil
        } catch let error as MakemoreError {
            return error.description
        } catch {
            return "not a MakemoreError: \(error)"
        }
    }

    /// One mutant of the archive `bytes`, whose entries are `entries` (name, data).
    static func mutate(_ bytes: [UInt8], entries: [(String, [UInt8])], headers: [Int], kind: Int, using g: inout RandomGenerator) -> [UInt8] {
        func pick<T>(_ items: [T]) -> T { items[g.integer(below: items.count)] }
        func integer() -> Int { g.integer(below: 3) == 0 ? g.integer(below: 1 << 20) - (1 << 19) : pick(hostileIntegers) }
        var mutated = bytes
        switch kind {
        case 0:  // a zip field (offset, size, count, name length) of a header set to a hostile value
            guard let header = headers.isEmpty ? nil : pick(headers) else { return mutated }
            let offset = header + pick([4, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 42])
            let width = pick([2, 4])
            let value = UInt64(truncatingIfNeeded: integer())
            for k in 0..<width where offset + k < mutated.count { mutated[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        case 1:  // entries duplicated, dropped, reordered, renamed or laid over each other
            var files = entries
            switch g.integer(below: 5) {
            case 0: for _ in 0..<(1 + g.integer(below: 200)) { files.append(pick(entries)) }
            case 1: files.remove(at: g.integer(below: files.count))
            case 2: files.reverse()
            case 3: files[g.integer(below: files.count)].0 = pick(["../x", "/abs/data.pkl", "archive/../data.pkl", "a\\b", "archive/data/0", ""])
            default:
                // Central records pointing at one local header: overlapping entries.
                let archive = TorchArchiveBuilder.zip(files)
                return overlapping(archive, copies: 1 + g.integer(below: 300))
            }
            return TorchArchiveBuilder.zip(files)
        case 2, 3, 4:  // the pickle: an opcode replaced, inserted or dropped; an integer replaced
            guard let index = entries.firstIndex(where: { $0.0.hasSuffix("data.pkl") }) else { return mutated }
            var pickle = entries[index].1
            let position = g.integer(below: pickle.count)
            let opcodes: [UInt8] = Array("()tqhjrKMJXNsuRQb.c}]ae01234".utf8) + [0x80, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x93, 0x94, 0x95]
            switch kind {
            case 2: pickle[position] = pick(opcodes)
            case 3: if g.integer(below: 2) == 0 { pickle.insert(pick(opcodes), at: position) } else { pickle.remove(at: position) }
            default:
                // An integer operand (offset, shape, stride, numel) made hostile, as LONG1.
                let operands = pickle.indices.filter { [UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "J")].contains(pickle[$0]) }
                guard let at = operands.isEmpty ? nil : pick(operands) else { break }
                let width = pickle[at] == UInt8(ascii: "K") ? 1 : pickle[at] == UInt8(ascii: "M") ? 2 : 4
                guard at + width < pickle.count else { break }
                let value = UInt64(bitPattern: Int64(integer()))
                pickle.replaceSubrange(at...(at + width), with: [0x8A, 8] + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) })
            }
            var files = entries
            files[index].1 = pickle
            return TorchArchiveBuilder.zip(files)
        case 5:  // a storage's data made shorter or longer
            var files = entries
            let storages = files.indices.filter { files[$0].0.contains("/data/") }
            guard !storages.isEmpty else { return mutated }
            let index = pick(storages)
            if g.integer(below: 2) == 0 { files[index].1.removeLast(min(files[index].1.count, 1 + g.integer(below: 8))) } else { files[index].1 += [0, 0, 0, 0] }
            return TorchArchiveBuilder.zip(files)
        default:  // bits flipped anywhere
            for _ in 0..<(1 + g.integer(below: 4)) { mutated[g.integer(below: mutated.count)] ^= UInt8(1 << g.integer(below: 8)) }
        }
        return mutated
    }

    /// `archive` (one built by `TorchArchiveBuilder.zip`) with `copies` more central records
    /// pointing at its first entry's local header.
    static func overlapping(_ archive: [UInt8], copies: Int) -> [UInt8] {
        let end = archive.count - 22
        func integer(_ at: Int, _ size: Int) -> Int { (0..<size).reduce(0) { $0 | Int(archive[at + $1]) << (8 * $1) } }
        let count = integer(end + 10, 2), size = integer(end + 12, 4), start = integer(end + 16, 4)
        let first = start + 46 + integer(start + 28, 2)
        let record = Array(archive[start..<first])
        var out = Array(archive[..<end])
        for _ in 0..<copies { out += record }
        let total = count + copies
        out += TorchArchiveBuilder.le(UInt32(0x0605_4B50)) + TorchArchiveBuilder.le(UInt16(0)) + TorchArchiveBuilder.le(UInt16(0))
            + TorchArchiveBuilder.le(UInt16(total)) + TorchArchiveBuilder.le(UInt16(total))
            + TorchArchiveBuilder.le(UInt32(size + copies * record.count)) + TorchArchiveBuilder.le(UInt32(start)) + TorchArchiveBuilder.le(UInt16(0))
        return out
    }

    @Test func modelPtMutantsLoadOrFailWithOneLine() throws {
        var g = RandomGenerator(seed: 2207)
        var outcomes = (loaded: 0, refused: 0)
        let clock = ContinuousClock.now
        for type in GoldenFixture.types {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: GoldenFixture.path(type, "model.pt"))))
            let archive = try ZipArchive(bytes: bytes, name: "m.pt")
            let entries = archive.names.map { ($0, Array(bytes[archive.entries[$0]!])) }
            let signatures: [[UInt8]] = [[0x50, 0x4B, 1, 2], [0x50, 0x4B, 3, 4], [0x50, 0x4B, 5, 6]]
            let headers = (0..<(bytes.count - 4)).filter { i in signatures.contains { bytes[i..<(i + 4)].elementsEqual($0) } }
            #expect(Self.loadTorch(bytes) == nil, "\(type): the fixture itself")
            for m in 0..<Self.mutants {
                let mutant = Self.mutate(bytes, entries: entries, headers: headers, kind: m % 7, using: &g)
                let started = ContinuousClock.now
                let message = Self.loadTorch(mutant)
                #expect(ContinuousClock.now - started < .seconds(10), "\(type) mutant \(m) took \(ContinuousClock.now - started)")
                if let message {
                    #expect(!message.hasPrefix("not a MakemoreError") && !message.contains("\n"), "\(type) mutant \(m): \(message)")
                    outcomes.refused += 1
                } else {
                    outcomes.loaded += 1
                }
            }
        }
        #expect(outcomes.loaded + outcomes.refused == GoldenFixture.types.count * Self.mutants)
        #expect(outcomes.refused > outcomes.loaded)
        Self.report("model.pt", GoldenFixture.types.count * Self.mutants, outcomes, since: clock)
    }

    /// Shapes and strides chosen to break the arithmetic: a zero then huge dimensions, huge
    /// strides, offsets at the edges, storages that claim more than they hold.
    @Test func hostileShapesStridesAndOffsetsFailCleanly() throws {
        let huge = 1 << 40
        let entries: [TorchArchiveBuilder.Entry] = [
            .init(shape: [0, huge, huge], strides: [1, huge, 1]),
            .init(shape: [huge, huge, 0], strides: [0, 0, 1]),
            .init(shape: [0, Int.max, 2], strides: [1, 1, 1]),
            .init(shape: [2, 2], strides: [Int.max, 1]),
            .init(shape: [2, 2], strides: [2, Int.min]),
            .init(offset: Int.max, shape: [1], strides: [1]),
            .init(storageCount: Int.max, shape: [2, 2], strides: [2, 1]),
            .init(shape: Array(repeating: 2, count: 63), strides: Array(repeating: 1, count: 63)),
        ]
        for entry in entries {
            let bytes = TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([entry]))
            let message = Self.loadTorch(bytes)
            #expect(message != nil && !message!.hasPrefix("not a MakemoreError") && !message!.contains("\n"), "\(entry.shape): \(message ?? "loaded")")
        }
    }

    /// A resumable checkpoint: an MLP stopped after 3 of 6 steps (on `dataset`, recorded as
    /// `source`).
    static func resumable(at path: String, dataset: Dataset? = nil,
                          source: SplitRecord = SplitRecord(input: nil, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)) throws -> Data {
        var mlp = MLPConfiguration()
        (mlp.hiddenSize, mlp.embeddingDimensions) = (6, 3)
        var training = StageKind.mlp.defaultTraining
        (training.steps, training.batchSize, training.evaluateEvery, training.ema) = (6, 4, 2, 0.9)
        let stage = try Stage(.mlp(mlp), dataset: try dataset ?? StageTests.dataset(), seed: 5)
        _ = try stage.train(training, stopAt: 3)
        stage.source = source
        try stage.save(to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Loads the checkpoint at `path` as `--resume` does and continues it one step; nil if it
    /// worked, else the message.
    static func resume(_ data: Data, at path: String) -> String? {
        do {
            try data.write(to: URL(fileURLWithPath: path))
            let stage = try Stage(loading: path, split: try StageTests.dataset().split, seed: 1, expecting: .mlp)
            guard let state = stage.trainingState else { return nil }
            var training = state.training
            training.steps = state.step + 1
            _ = try stage.train(training, resuming: state)
            return nil
        } catch let error as MakemoreError {
            return error.description
        } catch {
            return "not a MakemoreError: \(error)"
        }
    }

    @Test func trainingStateMutantsLoadOrFailWithOneLine() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("r.safetensors").path
        let data = try Self.resumable(at: path)
        #expect(Self.resume(data, at: path) == nil)
        let metadata = try SafetensorsFile.decode(data, name: "r").metadata
        let keys = metadata.keys.filter { $0.hasPrefix(TrainingState.prefix) }.sorted()
        let values = ["0", "-1", "1", "3", "4", "9223372036854775807", "1000000000000000", "x", "", "1e9", "0 0", "1;2", "18446744073709551615"]
        var g = RandomGenerator(seed: 2208)
        var outcomes = (loaded: 0, refused: 0)
        let clock = ContinuousClock.now
        let count = max(Self.mutants / 2, 1)
        for m in 0..<count {
            let mutant: Data
            if m % 3 == 2 {  // a training_state tensor dropped or renamed
                var file = try SafetensorsFile.decode(data, name: "r")
                let states = file.tensors.indices.filter { file.tensors[$0].name.hasPrefix(TrainingState.prefix) }
                let index = states[g.integer(below: states.count)]
                if g.integer(below: 2) == 0 { file.tensors.remove(at: index) } else { file.tensors[index].name += "9" }
                mutant = try file.encoded()
            } else {  // a training_state metadata value made hostile
                let key = keys[g.integer(below: keys.count)], value = values[g.integer(below: values.count)]
                mutant = try CheckpointFuzzTests.metadataEdited(data) { $0[key] = value }
            }
            let started = ContinuousClock.now
            let message = Self.resume(mutant, at: path)
            #expect(ContinuousClock.now - started < .seconds(10), "mutant \(m) took \(ContinuousClock.now - started)")
            if let message {
                #expect(!message.hasPrefix("not a MakemoreError") && !message.contains("\n"), "mutant \(m): \(message)")
                #expect(message.hasPrefix(path), "mutant \(m) does not name the file: \(message)")
                outcomes.refused += 1
            } else {
                outcomes.loaded += 1
            }
        }
        #expect(outcomes.loaded + outcomes.refused == count)
        Self.report("training_state", count, outcomes, since: clock)
    }

    /// The run's figures on stderr, and the memory bound: the test process's peak resident set.
    static func report(_ what: String, _ count: Int, _ outcomes: (loaded: Int, refused: Int), since start: ContinuousClock.Instant) {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let peak = Double(usage.ru_maxrss) / 1_048_576  // KiB → GiB
        #expect(peak < 4, "peak resident set \(peak) GiB")
        FileHandle.standardError.write(Data("fuzz \(what): \(count) mutants, \(outcomes.loaded) loaded, \(outcomes.refused) refused in \(ContinuousClock.now - start); peak RSS \(String(format: "%.2f", peak)) GiB\n".utf8))
    }
}
