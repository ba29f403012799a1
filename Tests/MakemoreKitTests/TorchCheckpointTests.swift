import Foundation
import Testing
@testable import MakemoreKit

/// Builds `torch.save`-shaped archives byte by byte, so that each hostile variant differs from a
/// valid file in exactly one way.
enum TorchArchiveBuilder {
    /// One `_rebuild_tensor_v2` entry of a state dict.
    struct Entry {
        var name = "w"
        var storageKey = "0"
        var storageType = "FloatStorage"
        var storageCount = 4
        var offset = 0
        var shape = [2, 2]
        var strides = [2, 1]
    }

    /// A protocol-2 pickle of an OrderedDict of `entries`, as torch.save writes it.
    static func pickle(_ entries: [Entry]) -> [UInt8] {
        var p = Pickle()
        p.global("collections", "OrderedDict"); p.op(")"); p.op("R")
        for e in entries {
            p.string(e.name)
            p.global("torch._utils", "_rebuild_tensor_v2")
            p.op("("); p.op("(")
            p.string("storage"); p.global("torch", e.storageType); p.string(e.storageKey); p.string("cpu"); p.int(e.storageCount)
            p.op("t"); p.op("Q")
            p.int(e.offset)
            p.op("("); e.shape.forEach { p.int($0) }; p.op("t")
            p.op("("); e.strides.forEach { p.int($0) }; p.op("t")
            p.bytes.append(0x89)
            p.global("collections", "OrderedDict"); p.op(")"); p.op("R")
            p.op("t"); p.op("R"); p.op("s")
        }
        p.op(".")
        return p.bytes
    }

    /// Pickle opcodes.
    struct Pickle {
        var bytes: [UInt8] = [0x80, 2]
        mutating func op(_ c: Character) { bytes.append(c.asciiValue!) }
        mutating func global(_ module: String, _ name: String) { op("c"); bytes += Array("\(module)\n\(name)\n".utf8) }
        mutating func string(_ text: String) { op("X"); bytes += le(UInt32(text.utf8.count)) + Array(text.utf8) }
        mutating func int(_ value: Int) {
            if let small = Int32(exactly: value) { op("J"); bytes += le(UInt32(bitPattern: small)) } else { bytes += [0x8A, 8] + le(UInt64(bitPattern: Int64(value))) }
        }
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    static func floats(_ values: [Float]) -> [UInt8] { values.flatMap { le($0.bitPattern) } }

    /// A zip archive of `files`, stored entries (or `method` for all), with a central directory.
    static func zip(_ files: [(String, [UInt8])], method: UInt16 = 0) -> [UInt8] {
        var out: [UInt8] = [], directory: [UInt8] = []
        for (name, data) in files {
            let offset = UInt32(out.count), crc = ZipArchive.crc32(data[...])
            let common = le(UInt16(20)) + le(UInt16(0)) + le(method) + le(UInt32(0)) + le(crc) + le(UInt32(data.count)) + le(UInt32(data.count))
                + le(UInt16(name.utf8.count)) + le(UInt16(0))
            out += le(UInt32(0x0403_4B50)) + common + Array(name.utf8) + data
            directory += le(UInt32(0x0201_4B50)) + le(UInt16(20)) + common + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0))
                + le(UInt32(0)) + le(offset) + Array(name.utf8)
        }
        let directoryStart = UInt32(out.count)
        out += directory
        out += le(UInt32(0x0605_4B50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(files.count)) + le(UInt16(files.count))
            + le(UInt32(directory.count)) + le(directoryStart) + le(UInt16(0))
        return out
    }

    /// A whole archive: `pickle` as data.pkl, byte order, and storage 0 holding `storage`.
    static func archive(pickle: [UInt8], storage: [Float] = [1, 2, 3, 4], byteOrder: String = "little") -> [UInt8] {
        zip([("archive/data.pkl", pickle), ("archive/byteorder", Array(byteOrder.utf8)), ("archive/data/0", floats(storage))])
    }
}

@Suite struct TorchCheckpointTests {
    func decode(_ bytes: [UInt8]) throws -> SafetensorsFile { try TorchCheckpoint.decode(bytes, name: "x.pt") }

    /// The message of the MakemoreError `body` throws (a test failure if it throws none or another).
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("no error")
        } catch let error as MakemoreError {
            #expect(!error.description.contains("\n"))
            return error.description
        } catch {
            Issue.record("not a MakemoreError: \(error)")
        }
        return ""
    }

    @Test(arguments: GoldenFixture.types)
    func fixtureEqualsItsSafetensors(type: String) throws {
        let torch = try TorchCheckpoint.read(path: GoldenFixture.path(type, "model.pt"))
        let safetensors = try SafetensorsFile.read(path: GoldenFixture.path(type, "model.safetensors"))
        #expect(torch.tensors.count == safetensors.tensors.count)
        for tensor in torch.tensors { #expect(safetensors.tensor(named: tensor.name) == tensor) }
    }

    /// The builder's files are valid, so each hostile variant below fails for its one defect.
    @Test func builtArchivesReadBack() throws {
        let file = try decode(TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([.init()])))
        #expect(file.tensors == [SafetensorsFile.Tensor(name: "w", shape: [2, 2], values: [1, 2, 3, 4])])
        let view = TorchArchiveBuilder.Entry(name: "u", storageType: "DoubleStorage", storageCount: 2, offset: 1, shape: [1, 1], strides: [7, 1])
        let doubles = TorchArchiveBuilder.zip([
            ("a/data.pkl", TorchArchiveBuilder.pickle([view])),
            ("a/data/0", [1.5, -2.25].flatMap { TorchArchiveBuilder.le(Double($0).bitPattern) }),
        ])
        #expect(try decode(doubles).tensors == [SafetensorsFile.Tensor(name: "u", shape: [1, 1], values: [-2.25])])
    }

    @Test func truncatedFilesFail() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: GoldenFixture.path("bow", "model.pt"))))
        for length in stride(from: 0, to: bytes.count, by: 97) {
            #expect(message { _ = try decode(Array(bytes.prefix(length))) } != "")
        }
        #expect(message { _ = try decode(Array(bytes.dropLast())) } != "")
    }

    /// One flipped bit anywhere either fails cleanly or (in bytes nothing reads: timestamps,
    /// version fields) changes nothing; a flip in any tensor's data always fails.
    @Test func bitFlipsFailOrChangeNothing() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: GoldenFixture.path("bigram", "model.pt"))))
        let original = try decode(bytes)
        var failures = 0
        for i in stride(from: 0, to: bytes.count, by: 5) {
            var flipped = bytes
            flipped[i] ^= 1 << (i % 8)
            do {
                #expect(try decode(flipped) == original, "flip at byte \(i) changed the tensors")
            } catch is MakemoreError {
                failures += 1
            }
        }
        #expect(failures > 2916 / 5)  // at least every flip inside the 2 916 bytes of model/data/0
    }

    @Test(arguments: [("os", "system"), ("posix", "system"), ("builtins", "eval"), ("torch", "load")])
    func foreignGlobalsAreRefusedByName(module: String, name: String) {
        var p = TorchArchiveBuilder.Pickle()
        p.global(module, name); p.string("echo hacked"); p.bytes.append(0x85); p.op("R"); p.op(".")
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: p.bytes)) } == "x.pt: refusing pickle global \"\(module).\(name)\"")
        var stacked = TorchArchiveBuilder.Pickle()
        stacked.string(module); stacked.string(name); stacked.bytes.append(0x93); stacked.string("echo hacked"); stacked.bytes.append(0x85)
        stacked.op("R"); stacked.op(".")
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: stacked.bytes)) } == "x.pt: refusing pickle global \"\(module).\(name)\"")
    }

    @Test func otherOpcodesAreRefusedByName() {
        let inst = [0x80, 2, UInt8(ascii: "("), UInt8(ascii: "i")] + Array("os\nsystem\n".utf8) + [UInt8(ascii: ".")]
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: inst)) }.contains("refusing pickle opcode INST (0x69)"))
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: [0x80, 4, UInt8(ascii: ".")])) }.contains("protocol 4"))
    }

    @Test func badViewsAndStoragesFail() {
        func failure(_ entry: TorchArchiveBuilder.Entry, storage: [Float] = [1, 2, 3, 4]) -> String {
            message { _ = try decode(TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([entry]), storage: storage)) }
        }
        #expect(failure(.init(offset: 1)).contains("4 elements at offset 1 run past its storage of 4"))
        #expect(failure(.init(offset: -1)).contains("at offset -1"))
        #expect(failure(.init(offset: 1 << 62)).contains("run past its storage"))
        #expect(failure(.init(shape: [4, 2], strides: [2, 1])).contains("8 elements at offset 0 run past its storage of 4"))
        #expect(failure(.init(storageCount: 8)).contains("has 16 bytes, not 8 elements of F32"))
        #expect(failure(.init(storageCount: 1 << 61)).contains("not 2305843009213693952 elements"))
        #expect(failure(.init(shape: [1 << 40, 1 << 40], strides: [1 << 40, 1])).contains("is invalid"))
        #expect(failure(.init(shape: [2, 2], strides: [1, 2])).contains("not contiguous"))
        #expect(failure(.init(storageKey: "9")).contains("storage \"archive/data/9\" is missing"))
        #expect(failure(.init(storageType: "LongStorage")).contains("refusing pickle global \"torch.LongStorage\""))
        #expect(failure(.init(), storage: [1, .nan, 3, 4]).contains("not finite"))
        let bigEndian = TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([.init()]), byteOrder: "big")
        #expect(message { _ = try decode(bigEndian) }.contains("byte order 'big'"))
        let twice = TorchArchiveBuilder.pickle([.init(), .init()])
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: twice)) }.contains("names \"w\" twice"))
    }

    @Test func nonArchivesAndCompressedEntriesFail() {
        let compressed = TorchArchiveBuilder.zip([("archive/data.pkl", TorchArchiveBuilder.pickle([.init()]))], method: 8)
        #expect(message { _ = try decode(compressed) }.contains("is compressed (method 8)"))
        #expect(message { _ = try decode(Array("not a zip".utf8)) }.contains("not a zip archive"))
        #expect(message { _ = try decode(TorchArchiveBuilder.zip([("archive/other", [1])])) }.contains("no <folder>/data.pkl"))
        #expect(message { _ = try TorchCheckpoint.read(path: "/nonexistent/model.pt") } == "/nonexistent/model.pt: no such file")
    }

    /// A dict placed in a tuple is frozen: changing it afterwards (through the memo) is refused,
    /// so the nesting depth recorded for the tuple stays true.
    @Test func changingAContainedDictFails() {
        var p = TorchArchiveBuilder.Pickle()
        p.op("}"); p.bytes += [UInt8(ascii: "q"), 0, 0x85]  // d = {}; (d,)
        p.bytes += [UInt8(ascii: "h"), 0]; p.string("k"); p.string("v"); p.op("s"); p.op(".")
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: p.bytes)) }.contains("changes a dict already inside another value"))
    }

    /// Tuples nested deeper than any state dict needs are refused before they can exhaust the
    /// stack when released.
    @Test func deepNestingFails() {
        let deep: [UInt8] = [0x80, 2, UInt8(ascii: ")")] + Array(repeating: 0x85, count: 100_000) + [UInt8(ascii: ".")]
        #expect(message { _ = try decode(TorchArchiveBuilder.archive(pickle: deep)) }.contains("nests tuples and dicts more than 16 deep"))
    }
}
