import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore bigram`: stage 1, the count-based bigram.
enum BigramCommand: Subcommand {
    static let name = StageKind.bigram.rawValue
    static let summary = StageKind.bigram.definition.summary
    static let options = DataOptions.options + StageRun.outputSettings.options(defaultRun)
        + StageKind.bigram.definition.settings.options(defaultRun.configuration) + [
        Option(StageRun.countPlotSetting, defaults: defaultRun),
        Option(flag: "show-counts", "print the 20 most frequent pairs"),
        Option(flag: "quiet", "accepted as every stage does (counting shows no progress)"),
    ]

    /// The run of the stage's defaults, whose values the options show.
    static var defaultRun: StageRun { DataOptions().run(StageKind.bigram.defaultConfiguration) }

    struct Options {
        var request: StageRequest
        var showsCounts: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let configuration = try StageKind.bigram.definition.settings.read(arguments, over: StageKind.bigram.defaultConfiguration)
        let run = try StageRun.settings.read(arguments, over: DataOptions(arguments).run(configuration))
        return Options(request: StageRequest(run: run, json: arguments.flag("json"), quiet: true), showsCounts: arguments.flag("show-counts"))
    }

    static func run(_ options: Options) throws {
        let (stage, report) = try StageRunner.run(options.request)
        StageRunner.emit(options.showsCounts ? try report.addingTopPairs(20, of: stage) : report, json: options.request.json)
    }
}
