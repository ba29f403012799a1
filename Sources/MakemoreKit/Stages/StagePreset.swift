/// A named setup of a stage, declared with it in the registry: the model and the training a run
/// takes instead of the stage's own defaults (`makemore transformer --preset makemore` is
/// makemore.py's setup). The command line's `--preset` values and help come from these.
public struct StagePreset: Sendable {
    /// The name (`makemore`, `lecture`).
    public let name: String
    /// One line: what the preset is.
    public let summary: String
    /// The model: of the stage the preset belongs to, or of another stage (the MLP's `makemore`
    /// preset is makemore.py's MLP, the stage `makemore-mlp`).
    public let configuration: StageConfiguration
    /// Whether the preset is a setup to run exactly as declared (makemore.py's): the settings it
    /// fixes (`StageDefinition.fixedSettings`) cannot be given with it. Otherwise settings given
    /// with the preset change its values.
    package let isExact: Bool
    private let makeTraining: @Sendable () -> TrainingConfiguration

    /// A preset named `name` that builds `configuration` and trains with `training()`.
    public init(name: String, summary: String, configuration: StageConfiguration, training: @escaping @Sendable () -> TrainingConfiguration) {
        self.init(name: name, exact: false, summary: summary, configuration: configuration, training: training)
    }

    /// A preset that, when `exact`, is run exactly as declared.
    package init(name: String, exact: Bool, summary: String, configuration: StageConfiguration, training: @escaping @Sendable () -> TrainingConfiguration) {
        self.name = name
        self.isExact = exact
        self.summary = summary
        self.configuration = configuration
        makeTraining = training
    }

    /// How the preset trains (`threads` from this machine's cores where the stage's default does).
    public var training: TrainingConfiguration { makeTraining() }
}
