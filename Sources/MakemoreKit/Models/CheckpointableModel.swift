/// A stage's model that a checkpoint can store and rebuild: its kind, its hyperparameters as a
/// `Codable` configuration, and its tensors by state-dict key.
public protocol CheckpointableModel: LanguageModel, SendableMetatype {
    associatedtype Configuration: CheckableConfiguration
    /// The stage name stored in the checkpoint (`neural-bigram`, `mlp`, …).
    static var kind: String { get }
    /// The hyperparameters that rebuild this model's shapes.
    var configuration: Configuration { get }
    /// Tensors by state-dict key, in state-dict order.
    func stateTensors() -> [StateTensor]
    /// Values in the state dict (parameters and buffers) of the model of `configuration` over
    /// `vocabularySize` tokens, known without allocating it: a module-based model is built with
    /// shapes only and its state dict counted (`TrainableModel`'s default).
    static func stateElementCount(configuration: Configuration, vocabularySize: Int) -> Double
    /// Values kept per row of a training batch (window or token position): activations, their
    /// gradients and what backward saves, summed over the layers; an upper estimate.
    static func activationElementsPerRow(configuration: Configuration, vocabularySize: Int) -> Double
    /// The model described by `configuration` with the tensors of `state` (validated first).
    static func restore(configuration: Configuration, vocabularySize: Int, from state: [StateTensor], source: String) throws -> Self
}

/// Hyperparameters whose values can be checked before a model is built from them: the one check
/// for both the command-line flags and a checkpoint's `config` metadata.
public protocol CheckableConfiguration: Codable {
    /// Throws `MakemoreError.invalidValue` naming the first value out of range by its checkpoint
    /// key (`hidden_size must be in 1...16384, got -5`).
    func validate() throws
}

/// The hyperparameters of a trainable model; the vocabulary size is set from the data.
public protocol ModelConfiguration: CheckableConfiguration {
    /// Tokens in the vocabulary, boundary included.
    var vocabularySize: Int { get set }
}

/// A trained, module-based model: built fresh from its configuration, then trained or loaded.
public protocol TrainableModel: CheckpointableModel, Module where Configuration: ModelConfiguration {
    /// A freshly initialised model of `configuration` (its vocabulary size included).
    init(configuration: Configuration, using generator: inout RandomGenerator) throws
}

extension TrainableModel {
    /// The state dict's size, counted on the model itself built with shapes only (no values
    /// allocated or drawn, like PyTorch's `meta` device), so it cannot disagree with the model.
    /// `configuration` must be valid; NaN if the model cannot be built from it.
    public static func stateElementCount(configuration: Configuration, vocabularySize: Int) -> Double {
        var generator = RandomGenerator(seed: 0)
        guard let model = try? Tensor.withShapesOnly({ try Self(configuration: configuration, vocabularySize: vocabularySize, using: &generator) })
        else { return .nan }
        return model.stateDict().reduce(0) { $0 + Double($1.tensor.count) }
    }

    /// A freshly initialised model of `configuration` over `vocabularySize` tokens.
    public init(configuration: Configuration, vocabularySize: Int, using generator: inout RandomGenerator) throws {
        var configuration = configuration
        configuration.vocabularySize = vocabularySize
        try self.init(configuration: configuration, using: &generator)
    }

    /// Builds the model with a throw-away initialisation, loads every tensor, switches to eval.
    /// The configuration is validated and its size compared with the file's tensors first, so
    /// a hostile configuration never reaches an initialiser.
    public static func restore(configuration: Configuration, vocabularySize: Int, from state: [StateTensor], source: String) throws -> Self {
        var configuration = configuration
        configuration.vocabularySize = vocabularySize
        try MakemoreError.within(file: source) { try configuration.validate() }
        let needed = stateElementCount(configuration: configuration, vocabularySize: vocabularySize)
        let stored = state.reduce(0.0) { $0 + Double($1.values.count) }
        guard needed == stored else {
            throw MakemoreError.file(path: source, reason: "the tensors hold \(Int(stored)) values; its '\(kind)' configuration needs \(needed < 1e15 ? String(Int(needed)) : String(needed))")
        }
        var generator = RandomGenerator(seed: 0)
        let model = try Self(configuration: configuration, vocabularySize: vocabularySize, using: &generator)
        try model.loadState(from: state, source: source)
        model.setTraining(false)
        return model
    }
}
