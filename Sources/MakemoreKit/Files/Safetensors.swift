import Foundation

/// A safetensors file: named tensors plus string metadata, in the format of
/// https://github.com/huggingface/safetensors (shared with PyTorch, JAX and mlx).
///
/// Layout: an 8-byte little-endian `UInt64` header length N; N bytes of UTF-8 JSON mapping each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data
/// section, end exclusive) plus an optional `"__metadata__"` string→string object; then the data
/// section, little-endian and row-major, every byte belonging to exactly one tensor.
///
/// Writing stores every tensor as F32, packed in `tensors` order, with `__metadata__` first and its
/// keys sorted, and the header padded with spaces to a multiple of 8 bytes, as the reference
/// implementation does. Reading is described at `decode(_:name:)`.
public struct SafetensorsFile: Equatable, Sendable {
    /// One named tensor: a state-dict entry as plain values.
    public typealias Tensor = StateTensor

    /// The tensors, in file order (header order when read, data order when written).
    public var tensors: [Tensor]
    /// The free-form `__metadata__` strings.
    public var metadata: [String: String]

    /// A file holding `tensors` and `metadata`.
    public init(tensors: [Tensor] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }

    /// Reads and validates the file at `path`; throws a one-line `MakemoreError` naming the file.
    public static func read(path: String) throws -> SafetensorsFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MakemoreError.file(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw MakemoreError.file(path: path, reason: "is a directory, not a safetensors file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "cannot be read") }
        return try decode(data, name: path)
    }

    /// Writes the file atomically to `path`; throws a one-line `MakemoreError` naming the file.
    public func write(to path: String) throws {
        let data = try MakemoreError.within(file: path) { try encoded() }
        try AtomicFile.write(data, to: path)
    }

    /// The bytes of the file. Throws a `MakemoreError` for a duplicate or reserved tensor name, or
    /// a tensor whose value count is not the product of its shape.
    package func encoded() throws -> Data {
        var header: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            let sorted = metadata.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
            header.append((SafetensorsFile.metadataKey, .object(sorted)))
        }
        var names: Set<String> = [SafetensorsFile.metadataKey]
        var offset = 0
        for tensor in tensors {
            let name = SafetensorsFile.quoted(tensor.name)
            guard names.insert(tensor.name).inserted else {
                throw MakemoreError.unsupported(tensor.name == SafetensorsFile.metadataKey
                    ? "cannot encode: the tensor name \(name) is reserved" : "cannot encode: two tensors named \(name)")
            }
            guard SafetensorsFile.elementCount(tensor.shape) == tensor.values.count else {
                throw MakemoreError.unsupported("cannot encode: tensor \(name) has \(tensor.values.count) values but shape \(tensor.shape)")
            }
            let end = offset + tensor.values.count * MemoryLayout<Float>.size
            header.append((tensor.name, .object([
                ("dtype", .string("F32")),
                ("shape", .array(tensor.shape.map(JSONValue.integer))),
                ("data_offsets", .array([.integer(offset), .integer(end)])),
            ])))
            offset = end
        }
        var headerBytes = Array(JSONValue.object(header).serialized.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for tensor in tensors {
            tensor.values.map(\.bitPattern.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The reserved header key of the metadata object.
    static let metadataKey = "__metadata__"

    /// The product of `shape`, or `nil` for a negative dimension or a shape whose non-zero
    /// dimensions multiply past `Int.max`. Bounding the non-zero dimensions too (a zero alone
    /// would make the product 0 whatever follows, as in (0, 2⁴⁰, 2⁴⁰)) means that no product of
    /// a valid shape's dimensions, an element count or a stride, can overflow.
    static func elementCount(_ shape: [Int]) -> Int? {
        var extent = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = extent.multipliedReportingOverflow(by: max(dimension, 1))
            guard !overflow else { return nil }
            extent = product
        }
        return shape.contains(0) ? 0 : extent
    }

    /// `text` as a JSON string literal, so that a hostile name cannot break a one-line message.
    static func quoted(_ text: String) -> String { JSONValue.string(text).serialized }
}
