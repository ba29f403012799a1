import Foundation

/// Every stage by name: the ladder's definitions (`builtIn`, each stage declared once in
/// BuiltInStages.swift), then whatever a program registers. `makemore --help` lists the stages
/// in this order and `compare` runs them in it.
public enum StageRegistry {
    /// The registered definitions, the built-in ones first.
    public static var definitions: [StageDefinition] { registry.definitions }

    /// The definition of the stage named `name`, or nil.
    public static func definition(named name: String) -> StageDefinition? { registry.definitions.first { $0.kind.rawValue == name } }

    /// Adds `definition` after the others and returns its kind; throws when its name is already
    /// taken.
    @discardableResult
    public static func register(_ definition: StageDefinition) throws -> StageKind {
        try registry.add(definition)
        return definition.kind
    }

    /// The model `checkpoint` (read from `source`, named in errors) holds, rebuilt and loaded.
    package static func restoreModel(_ checkpoint: Checkpoint, source: String) throws -> any CheckpointableModel {
        try definition(checkpoint: checkpoint, path: source).restoreModel(checkpoint, source)
    }

    /// The definition of the stage `checkpoint` holds; an unregistered kind is an error naming `path`.
    static func definition(checkpoint: Checkpoint, path: String) throws -> StageDefinition {
        guard let definition = definition(named: checkpoint.kind) else {
            throw MakemoreError.file(path: path, reason: "unknown model kind '\(checkpoint.kind)' (known: \(definitions.map(\.kind.rawValue).joined(separator: ", ")))")
        }
        return definition
    }

    private static let registry = Registry(builtIn)

    /// Lecture 3's exact MLP and its training (embedding 10, SGD lr 0.1 decayed ×0.1 half-way,
    /// no moving average): the MLP's preset `lecture`, the configuration the speed benchmark
    /// and the PyTorch comparison use.
    package static var lectureMLP: (configuration: StageConfiguration, training: TrainingConfiguration) {
        (lecturePreset.configuration, lecturePreset.training)
    }

    /// One model copy per core, for the stages a second core measurably helps (the transformer;
    /// gru 0.535 → 0.408 ms/step; rnn and bow gain nothing): the machine's cores, unless
    /// `withCores` fixes the count.
    static var cores: Int { assumedCores ?? ProcessInfo.processInfo.activeProcessorCount }

    @TaskLocal private static var assumedCores: Int?

    /// `body` with the defaults of one model copy per core made for `cores` cores (nil: the
    /// machine's), so those stages' numbers do not depend on the machine (`compare --threads`).
    package static func withCores<T>(_ cores: Int?, _ body: () throws -> T) rethrows -> T {
        try $assumedCores.withValue(cores ?? assumedCores, operation: body)
    }
}

/// The registered definitions behind a lock: a program may register from any thread.
private final class Registry: @unchecked Sendable {
    private let lock = NSLock()
    /// Read and written only while `lock` is held.
    private var stored: [StageDefinition]

    init(_ definitions: [StageDefinition]) { stored = definitions }

    var definitions: [StageDefinition] { lock.withLock { stored } }

    func add(_ definition: StageDefinition) throws {
        try lock.withLock {
            let name = definition.kind.rawValue
            guard !name.isEmpty, !stored.contains(where: { $0.kind.rawValue == name }) else {
                throw MakemoreError.invalidValue(name: "stage name", rule: "not empty and not yet registered", value: "'\(name)'")
            }
            stored.append(definition)
        }
    }
}
