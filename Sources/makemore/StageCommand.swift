import CommandLineOptions
import MakemoreKit

/// `makemore <stage>` for every registered stage that trains and whose model declares its
/// settings: the options and their reading derive from the stage's definition — its model's
/// settings, its presets, the training settings, and the options of what the stage does (whole
/// words: threads and sampling; window networks: diagnostics; a model with a character
/// embedding: its plot; a BatchNorm recalibrated by default: `--no-calibrate`).
enum StageCommand {
    /// The command of `definition`.
    static func entry(_ definition: StageDefinition) -> CommandEntry {
        CommandEntry(name: definition.kind.rawValue, summary: definition.summary, options: options(definition)) { arguments in
            let request = try request(definition, arguments)
            return { StageRunner.emit(try StageRunner.run(request).1, json: request.output.json) }
        }
    }

    /// The options, their defaults read off the stage's: a window network lists `--preset` last,
    /// a whole-word stage before its model's options.
    static func options(_ definition: StageDefinition) -> [Option] {
        let training = definition.defaultTraining
        let model = definition.settings.options(definition.defaultConfiguration)
        let preset = definition.presets.isEmpty ? [] : [presetOption(definition)]
        let options = StageOptions.common + (definition.hasCharacterEmbedding ? OutputOptions.embeddingOptions : [])
            + TrainingOptions.options(training, wholeWords: definition.isSequenceModel)
        if definition.isSequenceModel { return options + preset + model + wholeWordOptions(training) }
        return options + model + (training.calibratesBatchNorm ? [Option(TrainingConfiguration.calibrationSetting, defaults: training)] : [])
            + (definition.isWindowNetwork ? DiagnosticsOptions.options : []) + preset
    }

    /// The options of a whole-word stage after its model's (the last of which is its block
    /// size), defaults from its training `d`.
    static func wholeWordOptions(_ d: TrainingConfiguration) -> [Option] {
        [
            Option(TrainingConfiguration.threadsSetting, defaults: d),
            Option("temperature", value: "T", limit: SamplingOptions.Limits.temperature, default: "1", "sampling temperature"),
            Option("top-k", value: "K", limit: SamplingOptions.Limits.topK, "sample only among the K most likely tokens"),
            Option("prefix", value: "TEXT", "start every sample with TEXT"),
        ]
    }

    /// `--preset NAME`: its values and help from the presets the stage declares (a preset of
    /// another stage's model says which command it runs as).
    static func presetOption(_ definition: StageDefinition) -> Option {
        Option("preset", value: "NAME", definition.presets.map { preset in
            let other = preset.configuration.kind == definition.kind ? ""
                : ", as 'makemore \(preset.configuration.kind)' (--embedding, --hidden are its n_embd, n_embd2)"
            return "\(preset.name): \(preset.summary)\(other)"
        }.joined(separator: " | "))
    }

    /// The run the arguments ask for. A preset gives the model and the training defaults (the
    /// library checks which settings go with it); a preset of another stage's model runs that
    /// stage, its settings read over the preset's.
    static func request(_ definition: StageDefinition, _ arguments: ParsedArguments) throws -> StageRequest {
        let preset = try arguments.choice("preset", definition.presets.map(\.name)).flatMap(definition.preset(named:))
        if let preset { try definition.check(preset, given: arguments.given) }
        let stage = preset?.configuration.kind.definition ?? definition
        let configuration = try stage.settings.read(arguments, over: preset?.configuration ?? stage.defaultConfiguration)
        var training = try TrainingOptions(arguments, defaults: preset?.training ?? stage.defaultTraining,
                                           model: stage.settings.map(\.name) + (stage.isSequenceModel ? ["threads"] : []))
        // The options only some stages have (one not in the stage's options is never given).
        training.configuration = try [TrainingConfiguration.calibrationSetting, TrainingConfiguration.threadsSetting].read(arguments, over: training.configuration)
        try stage.validate(configuration, training: training.configuration)
        var request = StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments), configuration: configuration, training: training,
                                   diagnostics: stage.isWindowNetwork ? try DiagnosticsOptions(arguments, training: training.configuration) : nil)
        request.temperature = try arguments.double("temperature") ?? request.temperature
        request.topK = try arguments.int("top-k")
        request.prefix = arguments.string("prefix") ?? ""
        // A transformer's state dict without its head count takes `--heads`.
        request.importHeads = try arguments.int("heads")
        if definition.reportsPreset || (preset != nil && stage.kind == definition.kind) {
            request.extra = [("preset", .string(preset?.name ?? "none"))]
        }
        return request
    }
}
