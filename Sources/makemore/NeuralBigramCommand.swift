import MakemoreKit

/// `makemore neural-bigram`: stage 2, one weight matrix trained by gradient descent.
enum NeuralBigramCommand: Subcommand {
    static let name = StageKind.neuralBigram.rawValue
    static let summary = StageKind.neuralBigram.definition.summary
    static let options = StageOptions.common + TrainingOptions.options(StageKind.neuralBigram.defaultTraining)
        + NeuralBigramSettings.settings.options(NeuralBigramSettings())

    static func parse(_ arguments: ParsedArguments) throws -> StageRequest {
        StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments),
                     configuration: .neuralBigram(l2: try arguments.double("l2") ?? 0.01),
                     training: try TrainingOptions(arguments, defaults: StageKind.neuralBigram.defaultTraining, model: ["l2"]))
    }

    static func run(_ request: StageRequest) throws {
        StageRunner.emit(try StageRunner.run(request).1, json: request.output.json)
    }
}
