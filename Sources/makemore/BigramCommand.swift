import Foundation
import MakemoreKit

/// `makemore bigram`: stage 1, the count-based bigram.
enum BigramCommand: Subcommand {
    static let name = StageKind.bigram.rawValue
    static let summary = StageKind.bigram.definition.summary
    static let options = StageOptions.common + StageKind.bigram.definition.settings.options(StageKind.bigram.defaultConfiguration) + [
        Option("plot", value: "FILE.svg", key: "count_plot", "write the count matrix as an SVG heatmap"),
        Option(flag: "show-counts", "print the 20 most frequent pairs"),
        Option(flag: "quiet", "accepted as every stage does (counting shows no progress)"),
    ]

    struct Options {
        var request: StageRequest
        var showsCounts: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let configuration = try StageKind.bigram.definition.settings.read(arguments, over: StageKind.bigram.defaultConfiguration)
        var request = StageRequest(data: try DataOptions(arguments), output: try OutputOptions(arguments), configuration: configuration)
        request.output.plotCounts = arguments.string("plot")
        return Options(request: request, showsCounts: arguments.flag("show-counts"))
    }

    static func stageRequest(_ options: Options) -> StageRequest? { options.request }

    static func run(_ options: Options) throws {
        let (stage, report) = try StageRunner.run(options.request)
        guard let model = stage.model as? CountBigram else { return }
        let vocabulary = stage.dataset.vocabulary
        var shown = report
        let pairs = options.showsCounts ? model.topPairs(20) : []
        if !pairs.isEmpty {
            shown.extra.append(("top_pairs", .array(try pairs.map {
                .object([("pair", .string(try vocabulary.decode([$0.previous, $0.next]))), ("count", .integer($0.count))])
            })))
            shown.notes = try ["most frequent pairs:"] + pairs.map { "  \(try vocabulary.decode([$0.previous, $0.next]))  \($0.count)" }
        }
        StageRunner.emit(shown, json: options.request.output.json)
    }
}
