import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore compare`: every stage on the same split, one table, one chart.
///
/// The split is made once and each stage runs in this process, one after another, exactly as
/// `makemore <stage> --seed N --samples N` would with its defaults (or its modest budget).
enum CompareCommand: Subcommand {
    static let name = "compare"
    static let summary = "run every stage on the same split and compare their losses (the main job)"

    /// The names of the stages `compare` runs unless `--stages` says otherwise, in the registry's order.
    static let ladder = Comparison.ladder.map(\.kind.rawValue)

    static let options: [Option] = DataOptions.options + [Option("stages", value: "LIST", default: ladder.joined(separator: ","), "comma-separated stages to run")]
        + Comparison.settings.options(Comparison())

    struct Options {
        var data: DataOptions
        var comparison: Comparison
        var json: Bool
        var quiet: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let names = arguments.string("stages")?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? ladder
        guard !names.contains("") else { throw UsageError("--stages needs comma-separated stage names (known: \(ladder.joined(separator: ", "))), got '\(arguments.string("stages") ?? "")'") }
        let stages = try Comparison(stageNames: names), data = try DataOptions(arguments)
        var comparison = try Comparison.settings.read(arguments, over: stages)
        (comparison.seed, comparison.source) = (data.source.seed, data.source)
        comparison.onSecondInterrupt = { exit(130) }
        return Options(data: data, comparison: comparison, json: arguments.flag("json"), quiet: arguments.flag("quiet"))
    }

    static func run(_ options: Options) throws {
        let comparison = options.comparison
        try comparison.validate()
        var progress: ProgressReporter?
        let result = try comparison.run(on: Dataset(split: options.data.split())) { event in
            switch event {
            case .running(let kind): if !options.quiet { printError("compare: running \(kind.rawValue)…") }
            case .fittingEnsemble: if !options.quiet { printError("compare: fitting the ensemble…") }
            case .stage(_, .willTrain(let configuration)): progress = ProgressReporter(total: configuration.steps, enabled: !options.quiet)
            case .stage(_, .training(let event)): progress?.report(event)
            case .stage(_, .saved(let path)): printError("saved \(path)")
            case .stage(let kind, .stopped(let step, let total, let path)): printError(StageRunner.stoppedLine(kind, step: step, total: total, checkpoint: path))
            case .stage(_, .samples), .stage(_, .note), .stage(_, .imported): break  // compare samples, resumes and imports nothing while training
            }
        }
        if options.json {
            print(result.json.serialized)
        } else {
            print(result.table)
            print()
            result.sampleLines.forEach { print($0) }
        }
    }
}
