import Foundation

extension SafetensorsFile {
    /// The largest header accepted, as in the reference implementation.
    package static let maximumHeaderLength = 100_000_000

    /// Parses and validates the bytes of a safetensors file; `name` labels errors.
    ///
    /// Every check throws a one-line `MakemoreError` naming `name` and the fault; no input can
    /// crash the reader. A file is accepted only if:
    /// - it holds the 8-byte header length N, with N ≤ `maximumHeaderLength` and N ≤ the bytes left;
    /// - the header is valid UTF-8, begins with `{` and is strict JSON (see `JSONParser`: no
    ///   duplicate keys) holding an object, optionally padded with trailing white space;
    /// - `__metadata__`, if present, is an object of strings;
    /// - every other entry is an object with exactly `dtype`, `shape` and `data_offsets`;
    ///   `dtype` is F32, F64, F16 or BF16 (all converted to `Float`; other dtypes are rejected);
    ///   `shape` is an array of non-negative integers; `data_offsets` is `[begin, end]` with
    ///   0 ≤ begin ≤ end ≤ the data length and end − begin = product(shape) × the dtype's size;
    /// - the ranges, sorted, tile the data section exactly: no overlap, no gap, no trailing bytes
    ///   (an empty tensor may sit at any tensor boundary).
    ///
    /// Tensors are returned in header order.
    package static func decode(_ data: Data, name: String) throws -> SafetensorsFile {
        func failure(_ what: String) -> MakemoreError { MakemoreError.file(path: name, reason: "\(what)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw failure("not a safetensors file (\(bytes.count) bytes, too short for the 8-byte header length)")
        }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw failure("header length \(headerLength) exceeds the \(maximumHeaderLength)-byte limit")
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= bytes.count else {
            throw failure("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let headerBytes = bytes[8..<dataStart]
        guard headerBytes.first == UInt8(ascii: "{") else { throw failure("header does not begin with '{'") }
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw failure("header is not valid UTF-8") }
        let header: JSONValue
        do {
            header = try JSONParser.parse(Array(headerBytes))
        } catch {
            throw failure("header is not valid JSON: \(error.reason) at header byte \(error.offset)")
        }
        guard let members = header.objectValue else { throw failure("header is not a JSON object") }

        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in members {
            if key == metadataKey {
                metadata = try decodeMetadata(value, failure: failure)
            } else {
                entries.append(try Entry(name: key, value, dataLength: dataLength, failure: failure))
            }
        }
        try checkTiling(entries, dataLength: dataLength, failure: failure)
        let tensors = entries.map { entry in
            Tensor(name: entry.name, shape: entry.shape,
                   values: entry.dtype.values(bytes, from: dataStart + entry.begin, count: entry.elementCount))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func decodeMetadata(_ value: JSONValue, failure: (String) -> MakemoreError) throws -> [String: String] {
        guard let members = value.objectValue else { throw failure("\(metadataKey) is not an object") }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard let text = item.stringValue else { throw failure("\(metadataKey) value of \(quoted(key)) is not a string") }
            metadata[key] = text
        }
        return metadata
    }

    /// Checks that the ranges, sorted by (begin, end), each start where the previous one ended
    /// and that the last one ends at the end of the data.
    private static func checkTiling(_ entries: [Entry], dataLength: Int, failure: (String) -> MakemoreError) throws {
        var covered = 0
        var lastFilled = ""
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard entry.begin <= covered else { throw failure("data bytes \(covered)..<\(entry.begin) belong to no tensor") }
            guard entry.begin == covered else { throw failure("tensors \(quoted(lastFilled)) and \(quoted(entry.name)) overlap") }
            if entry.end > entry.begin { lastFilled = entry.name }
            covered = entry.end
        }
        guard covered == dataLength else {
            throw failure("data bytes \(covered)..<\(dataLength) belong to no tensor")
        }
    }
}

/// One validated header entry.
private struct Entry {
    let name: String
    let dtype: SafetensorsDType
    let shape: [Int]
    let elementCount: Int
    let begin: Int
    let end: Int

    init(name: String, _ value: JSONValue, dataLength: Int, failure: (String) -> MakemoreError) throws {
        let label = "tensor \(SafetensorsFile.quoted(name))"
        guard let fields = value.objectValue else { throw failure("\(label) is not an object") }
        for (key, _) in fields where !["dtype", "shape", "data_offsets"].contains(key) {
            throw failure("\(label) has an unknown field \(SafetensorsFile.quoted(key))")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let item = value[key] else { throw failure("\(label) has no \(key)") }
            return item
        }
        guard let dtypeName = try field("dtype").stringValue else { throw failure("\(label): dtype is not a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw failure("\(label): unsupported dtype \(SafetensorsFile.quoted(dtypeName)) (F32, F64, F16 and BF16 are read)")
        }
        guard let dimensions = try field("shape").arrayValue else { throw failure("\(label): shape is not an array") }
        let shape = dimensions.compactMap(\.intValue).filter { $0 >= 0 }
        guard shape.count == dimensions.count else {
            throw failure("\(label): shape is not a list of non-negative integers")
        }
        guard let offsets = try field("data_offsets").arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= 0 else {
            throw failure("\(label): data_offsets is not [begin, end] with non-negative integers")
        }
        guard begin <= end else { throw failure("\(label): data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= dataLength else {
            throw failure("\(label): data_offsets [\(begin), \(end)] run past the \(dataLength)-byte data section")
        }
        guard let elementCount = SafetensorsFile.elementCount(shape),
              case let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.size), !overflow,
              byteCount == end - begin else {
            throw failure("\(label): \(end - begin) data bytes do not hold shape \(shape) of \(dtypeName)")
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.elementCount = elementCount
        self.begin = begin
        self.end = end
    }
}
