import MakemoreKit
import Testing

/// Presets are declared with their stage in the registry (the command line's `--preset` values
/// and help come from them): the MLP's `lecture` and `makemore`, the transformer's `makemore`.
@Suite struct StagePresetTests {
    @Test func theRegistryDeclaresEachStagesPresets() throws {
        #expect(StageKind.mlp.definition.presets.map(\.name) == ["lecture", "makemore"])
        #expect(StageKind.transformer.definition.presets.map(\.name) == ["makemore"])
        #expect(StageKind.allCases.filter { ![.mlp, .transformer].contains($0) }.allSatisfy { $0.definition.presets.isEmpty })
        #expect(StageKind.mlp.definition.preset(named: "gpt") == nil)

        let lecture = try #require(StageKind.mlp.definition.preset(named: "lecture"))
        #expect(lecture.configuration == StageRegistry.lectureMLP.configuration && lecture.configuration.kind == .mlp)
        #expect(lecture.training.steps == 200_000 && lecture.training.learningRate == 0.1 && lecture.training.ema == nil)
        let makemoreMLP = try #require(StageKind.mlp.definition.preset(named: "makemore"))
        #expect(makemoreMLP.configuration == StageKind.makemoreMLP.defaultConfiguration)
        #expect(makemoreMLP.training == StageKind.makemoreMLP.defaultTraining)
    }

    /// makemore.py's training over the transformer's own run length and threads.
    @Test func theTransformersMakemorePresetIsMakemorePys() throws {
        let preset = try #require(StageKind.transformer.definition.preset(named: "makemore"))
        let own = StageKind.transformer.defaultTraining, t = preset.training
        #expect(preset.configuration == StageKind.transformer.defaultConfiguration)
        #expect(t.steps == own.steps && t.threads == own.threads)
        #expect(t.learningRate == 5e-4 && t.schedule == .constant && t.warmupSteps == 0 && t.ema == nil && t.batchSize == 32 && t.sampling == .replacement)
        #expect(t.optimizer.kind == .adamw && t.optimizer.weightDecay == 0.01 && t.optimizer.beta2 == 0.99 && !t.optimizer.decaysMatricesOnly)
        #expect(StageKind.transformer.definition.reportsPreset && !StageKind.mlp.definition.reportsPreset)
    }
}
