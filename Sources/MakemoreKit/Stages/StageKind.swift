/// A stage's name, as the command line, checkpoints and reports spell it (`mlp`,
/// `neural-bigram`, …). The kinds are those of the registered `StageDefinition`s: the built-in
/// ladder, and any a program registers with `StageRegistry.register`.
public struct StageKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// The registered kind named `rawValue`, or nil.
    public init?(rawValue: String) {
        guard StageRegistry.definition(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// The kind named `name`, registered or not (a definition names its own kind).
    init(name: String) { rawValue = name }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = StageKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown stage '\(name)'"))
        }
        self = kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// Every registered kind, in the registry's order (the ladder's, then the programs' own).
    public static var allCases: [StageKind] { StageRegistry.definitions.map(\.kind) }

    /// The kind's definition (every `StageKind` value a program can obtain is registered).
    public var definition: StageDefinition {
        guard let definition = StageRegistry.definition(named: rawValue) else { preconditionFailure("stage '\(rawValue)' is not registered") }
        return definition
    }

    /// The model the stage builds by default.
    public var defaultConfiguration: StageConfiguration { definition.defaultConfiguration }
    /// How the stage trains by default.
    public var defaultTraining: TrainingConfiguration { definition.defaultTraining }
    /// Whether the stage's examples are whole words (block size, threads, sampling options).
    package var isSequenceModel: Bool { definition.isSequenceModel }

    package static let bigram = StageKind(name: CountBigram.kind)
    package static let neuralBigram = StageKind(name: NeuralBigram.kind)
    package static let mlp = StageKind(name: MLP.kind)
    package static let wavenet = StageKind(name: WaveNet.kind)
    package static let bow = StageKind(name: BagOfWords.kind)
    package static let rnn = StageKind(name: RNN.kind)
    package static let gru = StageKind(name: GRU.kind)
    package static let transformer = StageKind(name: Transformer.kind)
    /// makemore.py's MLP (`MakemoreMLP`), not the lectures' `mlp`.
    package static let makemoreMLP = StageKind(name: MakemoreMLP.kind)
}
