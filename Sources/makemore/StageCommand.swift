import Foundation
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
            return { StageRunner.emit(try StageRunner.run(request).1, json: request.json) }
        }
    }

    /// The options, their defaults read off the stage's: a window network lists `--preset` last,
    /// a whole-word stage before its model's options.
    static func options(_ definition: StageDefinition) -> [Option] {
        let training = definition.defaultTraining, run = DataOptions().run(definition.defaultConfiguration)
        let model = definition.settings.options(definition.defaultConfiguration)
        let preset = definition.presets.isEmpty ? [] : [presetOption(definition)]
        let options = DataOptions.options + StageRun.outputSettings.options(run)
            + (definition.hasCharacterEmbedding ? [Option(StageRun.embeddingPlotSetting, defaults: run)] : [])
            + definition.trainingSettings.options(training) + StageRun.trainingSettings.options(run)
        if definition.isSequenceModel {
            return options + preset + model + [Option(TrainingConfiguration.threadsSetting, defaults: training)] + StageRun.samplingSettings.options(run)
        }
        return options + model + (training.calibratesBatchNorm ? [Option(TrainingConfiguration.calibrationSetting, defaults: training)] : [])
            + (definition.isWindowNetwork ? TrainingConfiguration.diagnosticsSettings.options(training) : []) + preset
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
    /// stage, its settings read over the preset's. A resumed run keeps its model (and its
    /// threads, whose count fixes its random streams) and, when it continues exactly, its
    /// training settings besides `--steps`; a loaded file is not trained at all.
    static func request(_ definition: StageDefinition, _ arguments: ParsedArguments) throws -> StageRequest {
        let preset = try arguments.choice("preset", definition.presets.map(\.name)).flatMap(definition.preset(named:))
        if let preset { try definition.check(preset, given: arguments.given) }
        let stage = preset?.configuration.kind.definition ?? definition
        let configuration = try stage.settings.read(arguments, over: preset?.configuration ?? stage.defaultConfiguration)
        // The options only some stages have (one not in the stage's options is never given).
        let settings = stage.trainingSettings, own = [TrainingConfiguration.calibrationSetting, TrainingConfiguration.threadsSetting]
        var training = StageRun.Training(try (settings + own).read(arguments, over: preset?.training ?? stage.defaultTraining))
        try stage.validate(configuration, training: training.configuration)
        if stage.isWindowNetwork { training.configuration = try TrainingConfiguration.diagnosticsSettings.read(arguments, over: training.configuration) }
        (training.stepsGiven, training.settingsGiven) = (arguments.given("steps"), settings.map(\.name).filter { $0 != "steps" && arguments.given($0) })
        training.onSecondInterrupt = { exit(130) }
        var run = try DataOptions(arguments).run(configuration)
        run.training = training
        run = try StageRun.settings.read(arguments, over: run)
        // --steps is one more setting a loaded file does not train with (a resumed run's total).
        if case .load = run.start, training.stepsGiven { run.training?.settingsGiven.insert("steps", at: 0) }
        run.modelSettingsGiven = (["preset"] + stage.settings.map(\.name) + (stage.isSequenceModel ? ["threads"] : [])).filter(arguments.given)
        run.outputs.diagnosticsPlots = arguments.string("plot-diagnostics")
        // A transformer's state dict without its head count takes `--heads`.
        run.importHeads = try arguments.int("heads")
        let reportsPreset = definition.reportsPreset || (preset != nil && stage.kind == definition.kind)
        return StageRequest(run: run, json: arguments.flag("json"), quiet: arguments.flag("quiet"),
                            extra: reportsPreset ? [("preset", .string(preset?.name ?? "none"))] : [])
    }
}
