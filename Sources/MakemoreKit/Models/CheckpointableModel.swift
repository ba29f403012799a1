/// A stage's model that a checkpoint can store and rebuild: its kind, its hyperparameters as a
/// `Codable` configuration, and its tensors by state-dict key.
public protocol CheckpointableModel: LanguageModel, SendableMetatype {
    associatedtype Configuration: Codable
    /// The stage name stored in the checkpoint (`neural-bigram`, `mlp`, …).
    static var kind: String { get }
    /// The hyperparameters that rebuild this model's shapes.
    var configuration: Configuration { get }
    /// Tensors by state-dict key, in state-dict order.
    func stateTensors() -> [SafetensorsFile.Tensor]
    /// The model described by `configuration` with the tensors of `file` (validated first).
    static func restore(configuration: Configuration, vocabularySize: Int, from file: SafetensorsFile, source: String) throws -> Self
}

/// The hyperparameters of a trainable model; the vocabulary size is set from the data.
public protocol ModelConfiguration: Codable {
    /// Tokens in the vocabulary, boundary included.
    var vocabularySize: Int { get set }
}

/// A trained, module-based model: built fresh from its configuration, then trained or loaded.
public protocol TrainableModel: CheckpointableModel, Module where Configuration: ModelConfiguration {
    /// A freshly initialised model of `configuration` (its vocabulary size included).
    init(configuration: Configuration, using generator: inout RandomGenerator)
}

extension TrainableModel {
    /// A freshly initialised model of `configuration` over `vocabularySize` tokens.
    public init(configuration: Configuration, vocabularySize: Int, using generator: inout RandomGenerator) {
        var configuration = configuration
        configuration.vocabularySize = vocabularySize
        self.init(configuration: configuration, using: &generator)
    }

    /// Builds the model with a throw-away initialisation, loads every tensor, switches to eval.
    public static func restore(configuration: Configuration, vocabularySize: Int, from file: SafetensorsFile, source: String) throws -> Self {
        var generator = RandomGenerator(seed: 0)
        let model = Self(configuration: configuration, vocabularySize: vocabularySize, using: &generator)
        try model.loadState(from: file, source: source)
        model.setTraining(false)
        return model
    }
}
