import Foundation
import CommandLineOptions
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

    static func run(_ options: Options) throws {
        let (stage, report) = try StageRunner.run(options.request)
        StageRunner.emit(options.showsCounts ? try report.addingTopPairs(20, of: stage) : report, json: options.request.output.json)
    }
}
