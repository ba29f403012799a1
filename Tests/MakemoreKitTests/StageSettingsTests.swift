import Testing
@testable import MakemoreKit

/// The settings each stage declares (what the command line's stage commands derive from) and
/// the rules the library checks on them before any words are read, called in-process.
@Suite struct StageSettingsTests {
    /// Values given by name, as a front end would pass them.
    struct Given: SettingValues {
        var values: [String: String] = [:]
        var flags: Set<String> = []

        struct Unreadable: Error {}

        func given(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }
        func flag(_ name: String) -> Bool { flags.contains(name) }
        func string(_ name: String) -> String? { values[name] }
        func int(_ name: String) throws -> Int? { try values[name].map { guard let v = Int($0) else { throw Unreadable() }; return v } }
        func double(_ name: String) throws -> Double? { try values[name].map { guard let v = Double($0) else { throw Unreadable() }; return v } }
        func float(_ name: String) throws -> Float? { try double(name).map(Float.init) }
        func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            try int(name).map { guard range.contains($0) else { throw Unreadable() }; return $0 }
        }
        func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
            try double(name).map { guard range.contains($0) else { throw Unreadable() }; return $0 }
        }
        func seed(_ name: String) throws -> UInt64? { try values[name].map { guard let v = UInt64($0) else { throw Unreadable() }; return v } }
        func choice(_ name: String, _ choices: [String]) throws -> String? {
            try values[name].map { guard choices.contains($0) else { throw Unreadable() }; return $0 }
        }
        func unreadable(_ name: String, expected: String) -> any Error { Unreadable() }
    }

    static func definition(_ name: String) throws -> StageDefinition { try #require(StageRegistry.definition(named: name)) }

    @Test func everyBuiltInStageDeclaresSettingsItsDefaultsPass() throws {
        for definition in StageRegistry.builtIn {
            #expect(!definition.settings.isEmpty, "\(definition.kind)")
            try definition.validate(definition.defaultConfiguration, training: definition.defaultTraining)
            for preset in definition.presets {
                try preset.configuration.kind.definition.validate(preset.configuration, training: preset.training)
            }
        }
    }

    /// The split's settings: a split directory replaces the default word list but keeps one
    /// given beside it (for `validate` to refuse), UTF-8 and no dedupe are recorded as absent,
    /// a share outside 0...1 is refused.
    @Test func splitSettingsReadOverTheDefaults() throws {
        let settings = SplitRecord.settings, d = SplitRecord.defaults
        #expect(settings.map(\.name) == ["input", "encoding", "dedupe", "split-dir", "seed", "val-fraction", "test-fraction"])
        #expect(try settings.read(Given(), over: d) == d)
        let directory = try settings.read(Given(values: ["split-dir": "s", "seed": "7", "encoding": "utf-8"]), over: d)
        #expect(directory == SplitRecord(input: nil, directory: "s", seed: 7, valFraction: 0.1, testFraction: 0.1))
        let both = try settings.read(Given(values: ["split-dir": "s", "input": "w.txt", "encoding": "latin-1"], flags: ["dedupe"]), over: d)
        #expect(both == SplitRecord(input: "w.txt", directory: "s", seed: 42, valFraction: 0.1, testFraction: 0.1, encoding: .latin1, dedupe: true))
        #expect(throws: Given.Unreadable.self) { try settings.read(Given(values: ["val-fraction": "1.5"]), over: d) }
    }

    @Test func settingsReadGivenValuesOverAConfiguration() throws {
        let mlp = try Self.definition("mlp")
        let read = try mlp.settings.read(Given(values: ["context": "5", "init": "naive"], flags: ["no-batchnorm"]), over: mlp.defaultConfiguration)
        let c = try #require(read.settings(as: MLPConfiguration.self))
        #expect(c.contextLength == 5 && c.initialization == .naive && !c.batchNorm && c.embeddingDimensions == 15)
        #expect(mlp.settings.first { $0.name == "embedding" }?.shownDefault(mlp.defaultConfiguration) == "15")

        var training = try TrainingConfiguration.settings().read(Given(values: ["ema": "off", "batch-size": "full", "optimizer": "adamw"]),
                                                                 over: mlp.defaultTraining)
        #expect(training.ema == nil && training.batchSize == nil && training.optimizer.kind == .adamw)
        training = try TrainingConfiguration.diagnosticsSettings.read(Given(flags: ["diagnose"]), over: training)
        #expect(training.diagnosticsEvery == training.steps / 10)
        #expect(throws: Given.Unreadable.self) { try TrainingConfiguration.settings().read(Given(values: ["ema": "x"]), over: training) }
        #expect(throws: MakemoreError.self) { try TrainingConfiguration.settings().read(Given(values: ["ema": "2"]), over: training) }

        let gru = try Self.definition("gru")
        let block = try gru.settings.read(Given(values: ["block-size": "12"]), over: gru.defaultConfiguration)
        #expect(block.settings(as: SequenceModelConfiguration.self)?.blockSize == 12)
        #expect(gru.settings.first { $0.name == "block-size" }?.spelling(gru.defaultConfiguration) == nil)
        #expect(throws: MakemoreError.self) { try mlp.settings.read(Given(), over: gru.defaultConfiguration) }
    }

    /// A run's own settings: its outputs, its start, how it trains and samples, read into the
    /// run (its training, when it trains); `--json` and `--quiet` are the front end's and change
    /// nothing; a file is either loaded or resumed.
    @Test func runSettingsReadIntoTheRun() throws {
        let mlp = try Self.definition("mlp")
        var run = StageRun(mlp.defaultConfiguration) { throw Given.Unreadable() }
        run.training = StageRun.Training(mlp.defaultTraining)
        #expect(StageRun.outputSettings.map(\.name) == ["samples", "save", "load", "json"])
        #expect(StageRun.trainingSettings.map(\.name) == ["plot-loss", "log", "quiet", "sample-every", "resume", "stop-at", "save-every", "tensorboard"])
        #expect(StageRun.outputSettings.first?.shownDefault(run) == "10" && StageRun.samplingSettings.first?.shownDefault(run) == "1")
        let values = Given(values: ["samples": "3", "save": "m.st", "log": "l.jsonl", "plot-loss": "l.svg", "sample-every": "5", "stop-at": "7",
                                    "save-every": "2", "tensorboard": "tb", "temperature": "0.5", "top-k": "4", "prefix": "a", "plot-embedding": "e.svg"],
                           flags: ["json", "quiet"])
        let read = try StageRun.settings.read(values, over: run)
        #expect(read.samples == 3 && read.outputs.checkpoint == "m.st" && read.outputs.log == "l.jsonl" && read.outputs.lossPlot == "l.svg")
        #expect(read.outputs.embeddingPlot == "e.svg" && read.outputs.countPlot == nil && read.start == .build)
        #expect(read.training?.sampleEvery == 5 && read.training?.stopAt == 7 && read.training?.saveEvery == 2 && read.training?.tensorboard == "tb")
        #expect(read.temperature == 0.5 && read.topK == 4 && read.prefix == "a")
        #expect(try StageRun.settings.read(Given(values: ["resume": "m.st"]), over: run).start == .resume("m.st"))
        #expect(throws: MakemoreError.conflict(.both("load", "resume"))) {
            try StageRun.settings.read(Given(values: ["load": "m.st", "resume": "m.st"]), over: run)
        }
        #expect(throws: Given.Unreadable.self) { try StageRun.settings.read(Given(values: ["samples": "-1"]), over: run) }
        #expect(throws: Given.Unreadable.self) { try StageRun.settings.read(Given(values: ["save-every": "0"]), over: run) }
    }

    /// A comparison's settings: `--out` is both the results' and the checkpoints' directory,
    /// `--threads` the cores the stages train as on; `--json` and `--quiet` change nothing.
    @Test func comparisonSettingsReadIntoTheComparison() throws {
        let read = try Comparison.settings.read(Given(values: ["samples": "0", "out": "o", "threads": "2", "save-every": "10", "tensorboard": "tb"],
                                                      flags: ["full", "ensemble", "json", "quiet"]), over: Comparison())
        #expect(read.full && read.ensemble && read.samples == 0 && read.results == "o" && read.checkpoints == "o")
        #expect(read.cores == 2 && read.saveEvery == 10 && read.tensorboard == "tb" && read.stages.map(\.kind) == Comparison.ladder.map(\.kind))
        #expect(Comparison.settings.first { $0.name == "threads" }?.shownDefault(Comparison()) == "one per core")
        #expect(throws: Given.Unreadable.self) { try Comparison.settings.read(Given(values: ["samples": "1001"]), over: Comparison()) }
    }

    @Test func stageRulesAreCheckedWithoutData() throws {
        let wavenet = try Self.definition("wavenet"), transformer = try Self.definition("transformer")
        let mlp = try Self.definition("mlp"), gru = try Self.definition("gru")
        var context = WaveNetConfiguration()
        context.contextLength = 6
        #expect(throws: MakemoreError.invalidValue(name: "context_length", rule: "a power of two (2, 4, 8, 16, …)", value: "6")) {
            try wavenet.validate(.wavenet(context), training: nil)
        }
        #expect(throws: MakemoreError.invalidValue(name: "n_embd", rule: "divisible by the number of heads (4)", value: "10")) {
            try transformer.validate(.transformer(TransformerConfiguration(embedding: 10)), training: nil)
        }
        var one = mlp.defaultTraining
        one.batchSize = 1
        #expect(throws: MakemoreError.invalidValue(name: "batch_size", rule: "2 or more with BatchNorm", value: "1")) {
            try mlp.validate(mlp.defaultConfiguration, training: one)
        }
        var noBatchNorm = MLPConfiguration()
        noBatchNorm.batchNorm = false
        try mlp.validate(.mlp(noBatchNorm), training: one)
        var whole = gru.defaultTraining
        whole.batchSize = nil
        #expect(throws: MakemoreError.self) { try gru.validate(gru.defaultConfiguration, training: whole) }
        #expect(throws: MakemoreError.self) { try gru.validate(.mlp(MLPConfiguration()), training: nil) }
    }

    @Test func anExactPresetFixesItsModelAndTheTrainingItChanges() throws {
        let transformer = try Self.definition("transformer")
        let preset = try #require(transformer.preset(named: "makemore"))
        let fixed = transformer.fixedSettings(preset)
        #expect(fixed.map(\.name) == ["layers", "heads", "embedding", "dropout", "positions", "activation",
                                      "lr", "optimizer", "schedule", "warmup", "weight-decay", "weight-decay-on", "batch-size", "sampling", "ema"])
        #expect(fixed.first { $0.name == "ema" }?.value == "off" && fixed.first { $0.name == "lr" }?.value == "0.0005")
        #expect(throws: MakemoreError.presetConflict(preset: "makemore", setting: "lr", presetValue: "0.0005")) {
            try transformer.check(preset, given: { $0 == "lr" })
        }
        try transformer.check(preset, given: { ["steps", "threads", "eval-every"].contains($0) })
        let mlp = try Self.definition("mlp")
        try mlp.check(try #require(mlp.preset(named: "lecture")), given: { $0 == "lr" || $0 == "context" })
    }

    @Test func aPresetOfAnotherStagesModelTakesOnlyThatStagesSettings() throws {
        let mlp = try Self.definition("mlp")
        let preset = try #require(mlp.preset(named: "makemore"))
        #expect(throws: MakemoreError.presetConflict(preset: "makemore", setting: "layers", presetValue: nil)) {
            try mlp.check(preset, given: { $0 == "layers" || $0 == "embedding" })
        }
        #expect(throws: MakemoreError.presetConflict(preset: "makemore", setting: "diagnose", presetValue: nil)) {
            try mlp.check(preset, given: { $0 == "diagnose" })
        }
        try mlp.check(preset, given: { ["embedding", "hidden", "lr"].contains($0) })
    }
}
