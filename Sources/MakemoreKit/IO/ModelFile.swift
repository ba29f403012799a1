import Foundation

/// A file that holds a model: this project's checkpoint (safetensors with its metadata), or a
/// bare state dict — a `torch.save` archive such as makemore.py's `model.pt`, or a safetensors
/// file without this project's metadata — to be rebuilt with `ImportedModel`.
package enum ModelFile {
    /// A checkpoint of this project, with its stage, configuration, vocabulary and split.
    case checkpoint(Checkpoint)
    /// A bare state dict, from `model.pt` or safetensors; the safetensors metadata, if any, is kept.
    case stateDict(SafetensorsFile)

    /// Reads and validates the file at `path`, telling the kinds apart by their first bytes (a
    /// zip archive is `torch.save`'s) and by the checkpoint metadata; throws a one-line
    /// `MakemoreError` naming the file.
    package static func read(path: String) throws -> ModelFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MakemoreError.file(path: path, reason: "no such file") }
        guard !isDirectory.boolValue else { throw MakemoreError.file(path: path, reason: "is a directory, not a model file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "cannot be read") }
        if TorchCheckpoint.isArchive(data) { return .stateDict(try TorchCheckpoint.decode([UInt8](data), name: path)) }
        let file = try SafetensorsFile.decode(data, name: path)
        return Checkpoint.isCheckpoint(file) ? .checkpoint(try Checkpoint(file: file, path: path)) : .stateDict(file)
    }
}
