/// Rebuilding whichever model a checkpoint holds: the registry's kinds matched against the file.
extension ModelRegistry {
    /// The model stored in `checkpoint`, rebuilt and loaded; `source` names the file in errors.
    public static func restore(_ checkpoint: Checkpoint, source: String) throws -> any LanguageModel {
        guard let type = types.first(where: { $0.kind == checkpoint.kind }) else {
            throw MakemoreError.file(path: source, reason: "unknown model kind '\(checkpoint.kind)' (known: \(types.map { $0.kind }.joined(separator: ", ")))")
        }
        return try checkpoint.restore(type, source: source)
    }
}
