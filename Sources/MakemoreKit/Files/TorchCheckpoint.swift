import Foundation

/// Reads the file `torch.save(model.state_dict(), path)` writes (makemore.py's `out/model.pt`)
/// into a bare state dict, trusting nothing in it.
///
/// The format: a zip archive of stored entries under one folder (`model/`, `archive/`, …):
/// `data.pkl`, a protocol-2 pickle of an `OrderedDict` mapping each key to a
/// `torch._utils._rebuild_tensor_v2` call on a storage named by a persistent id; `data/<key>`,
/// each storage's raw elements; `byteorder` (`little`). `ZipArchive` checks the archive,
/// `StateDictPickle` runs the pickle without executing anything, and every tensor is then
/// checked here: its storage entry exists and holds exactly the elements its persistent id
/// announces, the tensor lies inside it, its strides are contiguous (row-major), and every value
/// is finite.
public enum TorchCheckpoint {
    /// Whether `bytes` start like a zip archive (`PK\u{3}\u{4}`), as `torch.save` files do.
    package static func isArchive(_ bytes: some Collection<UInt8>) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// Reads and validates the file at `path`; throws a one-line `MakemoreError` naming it.
    public static func read(path: String) throws -> SafetensorsFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MakemoreError.file(path: path, reason: "no such file") }
        guard !isDirectory.boolValue else { throw MakemoreError.file(path: path, reason: "is a directory, not a model.pt file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "cannot be read") }
        return try decode([UInt8](data), name: path)
    }

    /// The state dict in the bytes of a `torch.save` archive, tensors in the pickle's order,
    /// no metadata; `name` labels errors.
    package static func decode(_ bytes: [UInt8], name: String) throws -> SafetensorsFile {
        func failure(_ what: String) -> MakemoreError { MakemoreError.file(path: name, reason: "\(what)") }
        let archive = try ZipArchive(bytes: bytes, name: name)
        let pickles = archive.names.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/", omittingEmptySubsequences: false).count == 2 }
        guard pickles.count == 1, let pickle = pickles.first, let pickleRange = archive.entries[pickle] else {
            throw failure(pickles.isEmpty ? "not a torch.save archive (no <folder>/data.pkl entry)" : "holds \(pickles.count) data.pkl entries")
        }
        let folder = pickle.dropLast("data.pkl".count)
        if let order = archive.entries[folder + "byteorder"] {
            guard bytes[order].elementsEqual("little".utf8) else {
                throw failure("byte order '\(String(decoding: bytes[order].prefix(16), as: UTF8.self))' is not read (little only)")
            }
        }
        let stateDict = try StateDictPickle(bytes: bytes[pickleRange], name: name)
        var storageTypes: [String: SafetensorsDType] = [:]
        var tensors: [SafetensorsFile.Tensor] = []
        for (key, record) in stateDict.entries {
            let label = "tensor \(SafetensorsFile.quoted(key))"
            let entryName = folder + "data/" + record.storageKey
            guard let storage = archive.entries[entryName] else { throw failure("\(label): its storage \(SafetensorsFile.quoted(entryName)) is missing") }
            guard storageTypes.updateValue(record.dtype, forKey: record.storageKey).map({ $0 == record.dtype }) ?? true else {
                throw failure("\(label): storage \(SafetensorsFile.quoted(record.storageKey)) is used with two element types")
            }
            guard case let (bytesNeeded, overflow) = record.storageCount.multipliedReportingOverflow(by: record.dtype.size), !overflow,
                  bytesNeeded == storage.count else {
                throw failure("\(label): storage \(SafetensorsFile.quoted(record.storageKey)) has \(storage.count) bytes, not \(record.storageCount) elements of \(record.dtype.rawValue)")
            }
            guard let count = SafetensorsFile.elementCount(record.shape) else { throw failure("\(label): shape \(record.shape) is invalid") }
            guard record.offset >= 0, count <= record.storageCount, record.offset <= record.storageCount - count else {
                throw failure("\(label): \(count) elements at offset \(record.offset) run past its storage of \(record.storageCount)")
            }
            var expected = 1
            for (size, stride) in zip(record.shape, record.strides).reversed() {
                guard size <= 1 || stride == expected else { throw failure("\(label): strides \(record.strides) are not contiguous for shape \(record.shape)") }
                expected *= size
            }
            let values = record.dtype.values(bytes, from: storage.lowerBound + record.offset * record.dtype.size, count: count)
            guard values.allSatisfy(\.isFinite) else { throw failure("\(label) holds a value that is not finite") }
            tensors.append(SafetensorsFile.Tensor(name: key, shape: record.shape, values: values))
        }
        return SafetensorsFile(tensors: tensors)
    }
}
