import Foundation
import Testing
@testable import MakemoreKit

/// A file made by hand: the 8-byte little-endian length of `header`, `header`, then `data`.
private func file(_ header: String, _ data: [UInt8] = []) -> Data {
    let headerBytes = Array(header.utf8)
    return file(headerLength: UInt64(headerBytes.count), headerBytes + data)
}

private func file(headerLength: UInt64, _ rest: [UInt8]) -> Data {
    Data((0..<8).map { UInt8(truncatingIfNeeded: headerLength >> (8 * $0)) } + rest)
}

/// A header entry for an F32 tensor.
private func entry(_ name: String, shape: String, offsets: String, dtype: String = "F32") -> String {
    #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
}

private let one: [UInt8] = [0x00, 0x00, 0x80, 0x3F]
private let two: [UInt8] = [0x00, 0x00, 0x00, 0x40]

@Suite struct SafetensorsLayoutTests {
    @Test func tinyFileMatchesTheSpecByteByByte() throws {
        let bytes = [UInt8](try SafetensorsFile(tensors: [.init(name: "a", shape: [2], values: [1, 2])]).encoded())
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(header.utf8.count == 54)
        #expect(bytes[0..<8] == [56, 0, 0, 0, 0, 0, 0, 0])
        #expect(bytes[8..<62] == ArraySlice(header.utf8))
        #expect(bytes[62..<64] == [0x20, 0x20])
        #expect(bytes[64...] == ArraySlice(one + two))
        #expect(bytes.count == 72)
    }

    @Test func metadataComesFirstWithSortedKeys() throws {
        let data = try SafetensorsFile(tensors: [.init(name: "w", shape: [], values: [1])], metadata: ["b": "2", "a": "1"]).encoded()
        let text = String(decoding: data[8...].prefix { $0 != 0x00 }, as: UTF8.self)
        #expect(text.hasPrefix(#"{"__metadata__":{"a":"1","b":"2"},"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#))
    }

    @Test func headerIsPaddedToAMultipleOfEight() throws {
        for length in 0..<10 {
            let data = try SafetensorsFile(tensors: [.init(name: String(repeating: "x", count: length + 1), shape: [1], values: [0])]).encoded()
            let headerLength = Int(data[0])
            #expect(headerLength % 8 == 0)
            #expect(data.count == 8 + headerLength + 4)
        }
        #expect([UInt8](try SafetensorsFile().encoded()) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    }

    @Test func roundTrip() throws {
        let original = SafetensorsFile(tensors: [
            .init(name: "transformer.wte.weight", shape: [2, 3], values: [1, -2, 0.5, .infinity, -0.0, .leastNonzeroMagnitude]),
            .init(name: "scalar", shape: [], values: [7]),
            .init(name: "empty", shape: [0, 4], values: []),
            .init(name: "naïve \"name\"\n", shape: [1, 1, 2], values: [.pi, -.greatestFiniteMagnitude]),
        ], metadata: ["format": "pt", "stage": "mlp", "ünïcode": "\u{1F600}"])
        #expect(try SafetensorsFile.decode(original.encoded(), name: "t") == original)
        let nan = Float(nan: 0x123, signaling: false)
        let decoded = try SafetensorsFile.decode(SafetensorsFile(tensors: [.init(name: "n", shape: [1], values: [nan])]).encoded(), name: "t")
        #expect(decoded.tensors.first?.values.first?.bitPattern == nan.bitPattern)
    }

    @Test func writeAndReadAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        let original = SafetensorsFile(tensors: [.init(name: "w", shape: [3], values: [1, 2, 3])], metadata: ["k": "v"])
        try original.write(to: path)
        let loaded = try SafetensorsFile.read(path: path)
        #expect(loaded == original)
        #expect(loaded.tensor(named: "w")?.values == [1, 2, 3])
        #expect(loaded.tensor(named: "missing") == nil)
        #expect(throws: MakemoreError.file(path: directory.path, reason: "is a directory, not a safetensors file")) {
            try SafetensorsFile.read(path: directory.path)
        }
        #expect(throws: MakemoreError.file(path: "/no/such/file.safetensors", reason: "no such file")) {
            try SafetensorsFile.read(path: "/no/such/file.safetensors")
        }
    }

    @Test func writerRejectsInconsistentTensors() {
        #expect(throws: MakemoreError.inFile(path: "out", .unsupported("cannot encode: tensor \"a\" has 3 values but shape [2]"))) {
            try SafetensorsFile(tensors: [.init(name: "a", shape: [2], values: [1, 2, 3])]).write(to: "out")
        }
        #expect(throws: MakemoreError.unsupported("cannot encode: tensor \"a\" has 0 values but shape [-1, 0]")) {
            try SafetensorsFile(tensors: [.init(name: "a", shape: [-1, 0], values: [])]).encoded()
        }
        #expect(throws: MakemoreError.unsupported("cannot encode: two tensors named \"a\"")) {
            try SafetensorsFile(tensors: [.init(name: "a", shape: [], values: [1]), .init(name: "a", shape: [], values: [1])]).encoded()
        }
        #expect(throws: MakemoreError.unsupported("cannot encode: the tensor name \"__metadata__\" is reserved")) {
            try SafetensorsFile(tensors: [.init(name: "__metadata__", shape: [], values: [1])]).encoded()
        }
    }
}

@Suite struct SafetensorsReaderTests {
    /// The layout the reference Python implementation writes: compact JSON, metadata first,
    /// padded with spaces to a multiple of 8.
    @Test func referenceLayoutParses() throws {
        let header = #"{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}"#
        for padding in ["", "       "] {
            let decoded = try SafetensorsFile.decode(file(header + padding, one + two), name: "t")
            #expect(decoded == SafetensorsFile(tensors: [.init(name: "w", shape: [1, 2], values: [1, 2])], metadata: ["k": "v"]))
        }
    }

    @Test func tensorsKeepHeaderOrderWhateverTheDataOrder() throws {
        let header = "{" + entry("b", shape: "[1]", offsets: "[4,8]") + ",\n " + entry("a", shape: "[1]", offsets: "[0,4]") + "}"
        let decoded = try SafetensorsFile.decode(file(header, one + two), name: "t")
        #expect(decoded.tensors.map(\.name) == ["b", "a"])
        #expect(decoded.tensors.map(\.values) == [[2], [1]])
    }

    @Test func emptyTensorsMaySitAtAnyBoundary() throws {
        let header = "{" + [
            entry("a", shape: "[1]", offsets: "[0,4]"), entry("z0", shape: "[0]", offsets: "[0,0]"),
            entry("z4", shape: "[2,0]", offsets: "[4,4]"), entry("b", shape: "[]", offsets: "[4,8]"),
            entry("z8", shape: "[0,3]", offsets: "[8,8]"),
        ].joined(separator: ",") + "}"
        let decoded = try SafetensorsFile.decode(file(header, one + two), name: "t")
        #expect(decoded.tensors.map(\.values) == [[1], [], [], [2], []])
        #expect(try SafetensorsFile.decode(file("{}"), name: "t") == SafetensorsFile())
    }

    @Test func otherFloatTypesConvertToFloat() throws {
        let header = "{" + [
            entry("h", shape: "[1]", offsets: "[0,2]", dtype: "F16"), entry("b", shape: "[1]", offsets: "[2,4]", dtype: "BF16"),
            entry("d", shape: "[1]", offsets: "[4,12]", dtype: "F64"),
        ].joined(separator: ",") + "}"
        let data: [UInt8] = [0x00, 0x3E, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xC0]
        let decoded = try SafetensorsFile.decode(file(header, data), name: "t")
        #expect(decoded.tensors.map(\.values) == [[1.5], [1], [-2.25]])
    }

    /// Hand-made corrupt files and the exact one-line error each gives.
    static let corruptFiles: [(Data, String)] = [
        (Data([1, 2, 3]), "not a safetensors file (3 bytes, too short for the 8-byte header length)"),
        (Data(), "not a safetensors file (0 bytes, too short for the 8-byte header length)"),
        (file(headerLength: 100, Array("{}".utf8)), "header length 100 runs past the end of the 10-byte file"),
        (file(headerLength: .max, []), "header length 18446744073709551615 exceeds the 100000000-byte limit"),
        (file(headerLength: 100_000_001, []), "header length 100000001 exceeds the 100000000-byte limit"),
        (file(""), "header does not begin with '{'"),
        (file(" {}"), "header does not begin with '{'"),
        (file("[]"), "header does not begin with '{'"),
        (file(headerLength: 6, [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x7D]), "header is not valid UTF-8"),
        (file(#"{"a":"#), "header is not valid JSON: unexpected end of input at header byte 5"),
        (file("{} x"), "header is not valid JSON: unexpected text after the value at header byte 3"),
        (file("{}\0"), "header is not valid JSON: unexpected text after the value at header byte 2"),
        (file("{" + entry("a", shape: "[0]", offsets: "[0,0]") + "," + entry("a", shape: "[0]", offsets: "[0,0]") + "}"),
         #"header is not valid JSON: duplicate key "a" at header byte 54"#),
        (file(#"{"a":1}"#), #"tensor "a" is not an object"#),
        (file(#"{"a\nb":[]}"#), #"tensor "a\nb" is not an object"#),
        (file(#"{"a":{"shape":[0],"data_offsets":[0,0]}}"#), #"tensor "a" has no dtype"#),
        (file(#"{"a":{"dtype":"F32","data_offsets":[0,0]}}"#), #"tensor "a" has no shape"#),
        (file(#"{"a":{"dtype":"F32","shape":[0]}}"#), #"tensor "a" has no data_offsets"#),
        (file(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"extra":1}}"#), #"tensor "a" has an unknown field "extra""#),
        (file(#"{"a":{"dtype":32,"shape":[0],"data_offsets":[0,0]}}"#), #"tensor "a": dtype is not a string"#),
        (file("{" + entry("a", shape: "[1]", offsets: "[0,8]", dtype: "I64") + "}", one + two),
         #"tensor "a": unsupported dtype "I64" (F32, F64, F16 and BF16 are read)"#),
        (file("{" + entry("a", shape: "2", offsets: "[0,8]") + "}", one + two), #"tensor "a": shape is not an array"#),
        (file("{" + entry("a", shape: "[-1]", offsets: "[0,0]") + "}"), #"tensor "a": shape is not a list of non-negative integers"#),
        (file("{" + entry("a", shape: "[2.0]", offsets: "[0,8]") + "}", one + two), #"tensor "a": shape is not a list of non-negative integers"#),
        (file("{" + entry("a", shape: "[1.5]", offsets: "[0,8]") + "}", one + two), #"tensor "a": shape is not a list of non-negative integers"#),
        (file("{" + entry("a", shape: #"["2"]"#, offsets: "[0,8]") + "}", one + two), #"tensor "a": shape is not a list of non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0]") + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8,8]") + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[-1,8]") + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8.0]") + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: #""0,8""#) + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,99999999999999999999]") + "}", one + two), #"tensor "a": data_offsets is not [begin, end] with non-negative integers"#),
        (file("{" + entry("a", shape: "[0]", offsets: "[8,0]") + "}", one + two), #"tensor "a": data_offsets [8, 0] end before they begin"#),
        (file("{" + entry("a", shape: "[4]", offsets: "[0,16]") + "}", one + two), #"tensor "a": data_offsets [0, 16] run past the 8-byte data section"#),
        (file("{" + entry("a", shape: "[3]", offsets: "[0,8]") + "}", one + two), #"tensor "a": 8 data bytes do not hold shape [3] of F32"#),
        (file("{" + entry("a", shape: "[4611686018427387904,4]", offsets: "[0,8]") + "}", one + two),
         #"tensor "a": 8 data bytes do not hold shape [4611686018427387904, 4] of F32"#),
        (file("{" + entry("a", shape: "[2305843009213693952]", offsets: "[0,8]") + "}", one + two),
         #"tensor "a": 8 data bytes do not hold shape [2305843009213693952] of F32"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[4,12]") + "}", one + two + one),
         #"tensors "a" and "b" overlap"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[0,8]") + "}", one + two),
         #"tensors "a" and "b" overlap"#),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("z", shape: "[0]", offsets: "[4,4]") + "}", one + two),
         #"tensors "a" and "z" overlap"#),
        (file("{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[8,12]") + "}", one + two + one),
         "data bytes 4..<8 belong to no tensor"),
        (file("{" + entry("a", shape: "[1]", offsets: "[4,8]") + "}", one + two), "data bytes 0..<4 belong to no tensor"),
        (file("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "}", one + two + one), "data bytes 8..<12 belong to no tensor"),
        (file("{}", one), "data bytes 0..<4 belong to no tensor"),
        (file(#"{"__metadata__":["k"]}"#), "__metadata__ is not an object"),
        (file(#"{"__metadata__":{"k":1}}"#), #"__metadata__ value of "k" is not a string"#),
        (file(#"{"__metadata__":{"k":null}}"#), #"__metadata__ value of "k" is not a string"#),
    ]

    @Test(arguments: corruptFiles)
    func corruptFileGivesAOneLineError(data: Data, message: String) {
        #expect(throws: MakemoreError.file(path: "t", reason: "\(message)")) { try SafetensorsFile.decode(data, name: "t") }
    }

    private static let validFile: Data = {
        let tensors: [SafetensorsFile.Tensor] = [.init(name: "a", shape: [2], values: [1, 2]), .init(name: "b", shape: [], values: [3])]
        return (try? SafetensorsFile(tensors: tensors, metadata: ["k": "v"]).encoded()) ?? Data()
    }()

    @Test func everyTruncationIsAnError() throws {
        let data = Self.validFile
        #expect(try SafetensorsFile.decode(data, name: "t").tensors.count == 2)
        for length in 0..<data.count {
            #expect(throws: MakemoreError.self, "truncated to \(length) bytes") { try SafetensorsFile.decode(data.prefix(length), name: "t") }
        }
    }

    /// Every single-byte corruption either decodes or throws a `MakemoreError`; none crashes.
    @Test func singleByteCorruptionsNeverCrash() throws {
        let data = Self.validFile
        for position in 0..<data.count {
            for byte: UInt8 in [0x00, 0x01, 0x20, 0x22, 0x2C, 0x2D, 0x30, 0x39, 0x5B, 0x5D, 0x7B, 0x7D, 0x7F, 0xC3, 0xFF] {
                var corrupt = data
                corrupt[position] = byte
                do {
                    _ = try SafetensorsFile.decode(corrupt, name: "t")
                } catch is MakemoreError {}
            }
        }
    }
}
