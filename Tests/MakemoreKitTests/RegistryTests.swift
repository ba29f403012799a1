import Foundation
import Testing
@testable import MakemoreKit

/// The stage registry: every stage declared once, and what derives from the declaration.
@Suite struct RegistryTests {
    static func dataset() throws -> Dataset { try StageTests.dataset() }

    /// The memory check counts each stage's own model: the state-dict size it predicts from the
    /// configuration is the size of the model the stage builds.
    @Test func everyStagesMemoryCountIsItsOwnModels() throws {
        let dataset = try Self.dataset()
        for definition in StageRegistry.definitions {
            let stage = try Stage(definition.defaultConfiguration, dataset: dataset, seed: 1)
            func predicted<M: CheckpointableModel>(_ model: M) -> Double {
                M.stateElementCount(configuration: model.configuration, vocabularySize: model.vocabularySize)
            }
            let stored = stage.model.stateTensors().reduce(0) { $0 + $1.values.count }
            #expect(predicted(stage.model) == Double(stored), "\(definition.kind)")
        }
    }

    /// The count comes from the model itself built with shapes only (no values allocated or
    /// drawn): makemore.py's MLP at 4096 — 6.9·10¹⁰ values, a quarter of a terabyte — is counted
    /// at once, and equals the sum of its declared tensors (wte with the padding row, the hidden
    /// Linear over the 4096·4096 window, lm_head).
    @Test func theStateIsCountedOnTheModelBuiltWithShapesOnly() {
        let huge = SequenceModelConfiguration(embedding: 4096, hidden: 4096, blockSize: 4096)
        let (v, w): (Double, Double) = (27, 4096)
        #expect(MakemoreMLP.stateElementCount(configuration: huge, vocabularySize: 27) == (v + 1) * w + (w * w * w + w) + (w * v + v))
        #expect(!Tensor.shapesOnly)
    }

    /// makemore.py's MLP at block size, embedding and hidden width 4096 needs terabytes: refused
    /// before anything is allocated (it was checked with the GRU's count, and started allocating).
    @Test func aModelThatCannotFitIsRefusedBeforeItIsBuilt() throws {
        let dataset = try Self.dataset()
        let huge = SequenceModelConfiguration(embedding: 4096, hidden: 4096, blockSize: 4096)
        #expect { try Stage(.makemoreMLP(huge), dataset: dataset, seed: 1) } throws: { error in
            if case .insufficientMemory = error as? MakemoreError { true } else { false }
        }
        let result = try CLI.run(["makemore-mlp", "--block-size", "4096", "--embedding", "4096", "--hidden", "4096", "--steps", "1", "--quiet"])
        #expect(result.status == 1 && result.stderr.contains("this run needs about"), "\(result.stderr)")
    }

    /// `withCores` fixes the count the one-copy-per-core defaults assume (compare --threads);
    /// the stages whose default is one copy stay at one.
    @Test func perCoreDefaultsFollowWithCores() throws {
        let threads = { (name: String) in StageRegistry.definition(named: name)!.defaultTraining.threads }
        for cores in [1, 2, 5] {
            #expect(StageRegistry.withCores(cores) { ["gru", "lstm", "transformer", "rnn", "bow"].map(threads) } == [cores, cores, cores, 1, 1])
        }
        #expect(StageRegistry.withCores(nil) { threads("transformer") } == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func kindsAreTheRegisteredNames() throws {
        #expect(StageKind.allCases.prefix(StageRegistry.builtIn.count).map(\.rawValue)
                == ["bigram", "neural-bigram", "mlp", "wavenet", "bow", "rnn", "gru", "lstm", "transformer", "makemore-mlp"])
        #expect(StageKind(rawValue: "no-such-stage") == nil && StageKind(rawValue: "gru") == .gru)
        #expect(StageKind.gru.definition.isSequenceModel && !StageKind.mlp.definition.isSequenceModel)
    }
}
