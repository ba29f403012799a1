// What a front end may set on a stage, derived from its definition: its model's settings, the
// training settings, what its presets fix, and the rules a configuration must keep before any
// words are read. The command line builds every stage's subcommand from these.

extension StageDefinition {
    /// The settings of the stage's model, over its configurations: those its configuration type
    /// declares (`DeclaresSettings`); none for a type that declares none (a program's own
    /// configuration type).
    package var settings: [Setting<StageConfiguration>] {
        (type(of: defaultConfiguration.settings) as? any DeclaresSettings.Type)?.stageSettings ?? []
    }

    /// The training settings the stage takes (worded for whole words when its examples are).
    package var trainingSettings: [Setting<TrainingConfiguration>] { TrainingConfiguration.settings(wholeWords: isSequenceModel) }

    /// Whether the model has a character embedding (a front end may draw it).
    package var hasCharacterEmbedding: Bool { isSequenceModel || isWindowNetwork }

    /// Throws when `configuration` or `training` (nil: not trained) break a rule of this stage
    /// that needs no data: the configuration's own (checked as over the smallest vocabulary, and
    /// the smallest block where the data sets it: a WaveNet's context a power of two, a
    /// transformer's channels split evenly across its heads, every value in its limits), and
    /// the batches the stage trains on (BatchNorm needs two examples or more, whole words a
    /// number of them). Building and training the stage check the same rules again.
    package func validate(_ configuration: StageConfiguration, training: TrainingConfiguration?) throws {
        try checkSettings(configuration, training)
    }

    /// The settings `preset` (an exact one, of this stage) fixes, each with the preset's value
    /// as its option spells it: every setting of its model, and each training setting whose
    /// value it changes from the stage's defaults (not the run's length, nor what the preset
    /// leaves as the stage has it).
    package func fixedSettings(_ preset: StagePreset) -> [(name: String, value: String)] {
        let model = settings.compactMap { setting in setting.spelling(preset.configuration).map { (setting.name, $0) } }
        let training = preset.training, defaults = defaultTraining
        return model + trainingSettings.compactMap { setting in
            guard let value = setting.spelling(training), !setting.sameValue(training, defaults) else { return nil }
            return (setting.name, value)
        }
    }

    /// Throws `MakemoreError.presetConflict` for the first setting `given` that does not go with
    /// `preset`: one of this stage's own (its model's, its diagnostics) that the preset's model,
    /// another stage's, does not take; or one an exact preset fixes.
    package func check(_ preset: StagePreset, given: (String) -> Bool) throws {
        let stage = preset.configuration.kind.definition
        if stage.kind != kind {
            let theirs = Set(stage.ownSettingNames)
            if let name = ownSettingNames.first(where: { given($0) && !theirs.contains($0) }) {
                throw MakemoreError.presetConflict(preset: preset.name, setting: name, presetValue: nil)
            }
        }
        if preset.isExact, let (name, value) = stage.fixedSettings(preset).first(where: { given($0.name) }) {
            throw MakemoreError.presetConflict(preset: preset.name, setting: name, presetValue: value)
        }
    }

    /// The names of the settings only some stages take: the model's, and the diagnostics of a
    /// window network.
    private var ownSettingNames: [String] {
        settings.map(\.name) + (isWindowNetwork ? TrainingConfiguration.diagnosticsSettings.map(\.name) : [])
    }
}

extension DeclaresSettings {
    /// The settings over a stage configuration holding settings of this type (a configuration
    /// of another type shows no default, and reading into it is an error).
    static var stageSettings: [Setting<StageConfiguration>] {
        settings.map { setting in
            Setting<StageConfiguration>(setting.name, placeholder: setting.placeholder, limit: setting.limit, keys: setting.keys,
                                        default: { $0.settings(as: Self.self).flatMap(setting.shownDefault) },
                                        spelling: { $0.settings(as: Self.self).flatMap(setting.spelling) },
                                        sameValue: { a, b in
                                            guard let a = a.settings(as: Self.self), let b = b.settings(as: Self.self) else { return a == b }
                                            return setting.sameValue(a, b)
                                        }, setting.help) { values, configuration in
                var own = try StageDefinition.settings(configuration, Self.self)
                try setting.read(values, &own)
                configuration = StageConfiguration(configuration.kind, own)
            }
        }
    }
}
