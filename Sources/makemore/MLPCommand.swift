import MakemoreKit

/// `makemore mlp`: stage 3, the Bengio MLP with Kaiming init and BatchNorm.
enum MLPCommand: Subcommand {
    static let name = StageKind.mlp.rawValue
    static let summary = StageKind.mlp.definition.summary
    static let options = StageOptions.common + OutputOptions.embeddingOptions + TrainingOptions.options(StageKind.mlp.defaultTraining) + modelOptions
        + DiagnosticsOptions.options
        + [presetOption(.mlp)]

    /// The options of the lectures' MLP that makemore.py's has no counterpart for.
    static let lectureOnly = ["context", "layers", "no-batchnorm", "bn-momentum", "init"] + DiagnosticsOptions.options.map(\.name)

    /// The stage's default model (the lecture's with wider embeddings).
    static var defaultConfiguration: MLPConfiguration {
        StageKind.mlp.defaultConfiguration.settings(as: MLPConfiguration.self) ?? MLPConfiguration()
    }

    /// The architecture's settings, shared with `lr-find mlp`.
    static let settings = MLPConfiguration.settings

    /// The architecture options, shared with `lr-find mlp`.
    static let modelOptions = settings.options(defaultConfiguration)

    /// The model the options describe, over `base` (the stage's default model unless a preset
    /// gives another).
    static func configuration(_ arguments: ParsedArguments, base: MLPConfiguration = defaultConfiguration) throws -> MLPConfiguration {
        try settings.read(arguments, over: base)
    }

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        guard let preset = try chosenPreset(.mlp, arguments) else {
            return try windowNetworkRequest(arguments, configuration: .mlp(configuration(arguments)), model: settings.map(\.name), batchNorm: !arguments.flag("no-batchnorm"))
        }
        guard let base = preset.configuration.settings(as: MLPConfiguration.self) else {  // another stage's model: its command's options
            if let option = lectureOnly.first(where: arguments.given) { throw UsageError("--preset \(preset.name) has no --\(option)") }
            return try SmallSequenceCommand.request(preset.configuration.kind, arguments)
        }
        var request = try windowNetworkRequest(arguments, configuration: .mlp(configuration(arguments, base: base)), model: settings.map(\.name),
                                               batchNorm: !arguments.flag("no-batchnorm"), defaults: preset.training)
        request.extra = [("preset", .string(preset.name))]
        return request
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}

/// `--preset NAME` of `kind`: its values and help from the presets the stage's definition
/// declares (a preset of another stage's model says which command it runs as).
func presetOption(_ kind: StageKind) -> Option {
    Option("preset", value: "NAME", kind.definition.presets.map { preset in
        let other = preset.configuration.kind == kind ? "" : ", as 'makemore \(preset.configuration.kind)' (--embedding, --hidden are its n_embd, n_embd2)"
        return "\(preset.name): \(preset.summary)\(other)"
    }.joined(separator: " | "))
}

/// The preset of `kind` that `--preset` names, if given.
func chosenPreset(_ kind: StageKind, _ arguments: ParsedArguments) throws -> StagePreset? {
    try arguments.choice("preset", kind.definition.presets.map(\.name)).flatMap(kind.definition.preset(named:))
}

/// The request of a window-network stage (`mlp`, `wavenet`): its shared options read over
/// `defaults` (the stage's default training unless a preset gives another); `model` names its
/// model's options.
func windowNetworkRequest(_ arguments: ParsedArguments, configuration: StageConfiguration, model: [String], batchNorm: Bool,
                          calibrates: Bool? = nil, defaults: TrainingConfiguration? = nil) throws -> StageRequest {
    var training = try TrainingOptions(arguments, defaults: defaults ?? configuration.kind.defaultTraining, model: model)
    if let calibrates { training.configuration.calibratesBatchNorm = calibrates }
    guard !batchNorm || training.configuration.batchSize.map({ $0 >= 2 }) ?? true else {
        throw UsageError("BatchNorm needs --batch-size 2 or more (or --no-batchnorm)")
    }
    return StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments), configuration: configuration, training: training,
                        diagnostics: try DiagnosticsOptions(arguments, steps: training.configuration.steps))
}
