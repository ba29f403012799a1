import Testing
import MakemoreKit

/// The default schedules are fractions of the run: at the full lengths they are the steps the
/// stages were tuned with, and a shortened run keeps their shape.
@Suite struct ScheduleDefaultsTests {
    @Test func fullLengthDefaultsLandOnTheTunedSteps() {
        #expect(StageKind.mlp.defaultTraining.decayStep == 150_000)
        #expect(StageKind.wavenet.defaultTraining.decayStep == 150_000)
        #expect(StageKind.transformer.defaultTraining.warmupSteps == 500)
        for kind in [StageKind.rnn, .bow, .gru] { #expect(kind.defaultTraining.warmupSteps == 200) }
        #expect(StageRegistry.lectureMLP.training.decayStep == 100_000)
    }

    @Test func shortenedRunsKeepTheShape() {
        var mlp = StageKind.mlp.defaultTraining
        mlp.steps = 3000
        #expect(mlp.decayStep == 2250)
        #expect(mlp.learningRateSchedule.rate(at: 2249, base: 0.1) == 0.1)
        #expect(abs(mlp.learningRateSchedule.rate(at: 2250, base: 0.1) - 0.01) < 1e-12)
        var transformer = StageKind.transformer.defaultTraining
        transformer.steps = 300
        #expect(transformer.warmupSteps == 6)
        #expect(transformer.learningRateSchedule.rate(at: 5, base: 4e-3) == 4e-3)  // full rate after the warm-up
        transformer.warmup = 50  // an explicit step count wins
        #expect(transformer.warmupSteps == 50)
        var lecture = StageRegistry.lectureMLP.training
        lecture.steps = 2001
        #expect(lecture.decayStep == 1000)  // half of an odd run as before: steps / 2
    }

    @Test func explicitStepsWin() {
        var mlp = StageKind.mlp.defaultTraining
        mlp.decayAt = 10
        #expect(mlp.decayStep == 10)
    }
}
