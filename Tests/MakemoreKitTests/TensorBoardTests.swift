import Foundation
import Testing
@testable import MakemoreKit

/// TensorBoard event files against known bytes: CRC-32C against RFC 3720's test vectors, the
/// TFRecord framing and the `Event` protocol buffers against what the reference protobuf
/// library and TensorBoard's own `masked_crc32c` produce for the same messages (computed once
/// with `tensorboard.compat.proto.event_pb2`, pasted here as hex).
@Suite struct TensorBoardTests {
    func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map { UInt8(text.dropFirst($0).prefix(2), radix: 16)! }
    }

    @Test func crc32cMatchesRFC3720() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        // RFC 3720 B.4's iSCSI read command PDU.
        let pdu = hex("01c000000000000000000000000000001400000000000400000000140000001828000000000000000200000000000000")
        #expect(pdu.count == 48 && CRC32C.checksum(pdu) == 0xD996_3A56)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.masked(Array("123456789".utf8)) == 0xC78A_B0E5)
    }

    @Test func eventsEncodeAsTheReferenceProtobufDoes() {
        #expect(EventFile.scalarEvent("Loss/train", 2.25, step: 300, wallTime: 1234.5)
                == hex("0900000000004a934010ac022a130a110a0a4c6f73732f747261696e1500001040"))
        #expect(EventFile.textEvent("samples", ["emma", "zoë"], step: 7, wallTime: 1234.5)
                == hex("0900000000004a934010072a2b0a290a0773616d706c6573421408071204120208024204656d6d6142047a6fc3ab4a080a060a0474657874"))
        #expect(EventFile.event(wallTime: 1234.5, step: 0) { $0.string(3, "brain.Event:2") } == hex("0900000000004a93401a0d627261696e2e4576656e743a32"))
        #expect(EventFile.event(wallTime: 1, step: -1) { _ in } == hex("09000000000000f03f10ffffffffffffffffff01"))
    }

    @Test func recordsAreFramedWithMaskedChecksums() {
        let event = hex("0900000000004a934010ac022a130a110a0a4c6f73732f747261696e1500001040")
        #expect(TFRecord.frame(event) == hex("2100000000000000017becf6") + event + hex("c657fc0e"))
    }

    @Test func aLogIsAppendedAsTheRunGoes() throws {
        let directory = try CLI.temporaryDirectory().appendingPathComponent("runs/a").path
        let log = try TensorBoardLog(directory: directory)
        let header = try Data(contentsOf: URL(fileURLWithPath: log.file.path))
        #expect(log.file.path.contains("/events.out.tfevents.") && header.count == 12 + 24 + 4)
        log.record(.step(TrainingProgress(step: 1, steps: 2, loss: 3.5, learningRate: 0.1)))
        log.record(.evaluation(step: 1, loss: 3.25))  // an evaluation is written at once
        let afterEvaluation = try Data(contentsOf: URL(fileURLWithPath: log.file.path))
        #expect(afterEvaluation.count > header.count)
        try log.finish(valLoss: 3.25, testLoss: 3.0, samples: ["ann"])
        let records = try Self.records(try Data(contentsOf: URL(fileURLWithPath: log.file.path)))
        #expect(records.count == 6)  // version, Loss/train, learning_rate, Loss/val, Loss/test, samples
        // A second log in the same directory is a file of its own.
        #expect(try TensorBoardLog(directory: directory).file.path != log.file.path)
        // A directory that is a file is refused, naming it.
        let file = try CLI.temporaryDirectory().appendingPathComponent("f").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        #expect(throws: MakemoreError.self) { try TensorBoardLog(directory: file) }
    }

    /// The records of a TFRecord file, each checked against its framing checksums.
    static func records(_ data: Data) throws -> [[UInt8]] {
        let bytes = [UInt8](data)
        var records: [[UInt8]] = []
        var offset = 0
        func word<T: FixedWidthInteger>(_ type: T.Type, at index: Int) -> T {
            bytes[index..<index + MemoryLayout<T>.size].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        while offset < bytes.count {
            let length = Int(word(UInt64.self, at: offset))
            #expect(word(UInt32.self, at: offset + 8) == CRC32C.masked(bytes[offset..<offset + 8]))
            let body = Array(bytes[offset + 12..<offset + 12 + length])
            #expect(word(UInt32.self, at: offset + 12 + length) == CRC32C.masked(body))
            records.append(body)
            offset += 16 + length
        }
        return records
    }
}
