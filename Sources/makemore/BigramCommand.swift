import Foundation
import MakemoreKit

/// `makemore bigram`: stage 1, the count-based bigram.
enum BigramCommand: Subcommand {
    static let name = "bigram"
    static let summary = "stage 1: count-based bigram (closed-form maximum likelihood with smoothing)"
    static let options = StageOptions.common + [
        Option("smoothing", value: "S", default: "1", "pseudo-count added to every pair (0: unseen pairs get probability 0)"),
        Option("plot", value: "FILE.svg", "write the count matrix as an SVG heatmap"),
        Option(flag: "show-counts", "print the 20 most frequent pairs"),
    ]

    static func run(_ arguments: ParsedArguments) throws {
        let clock = ContinuousClock.now
        let smoothing = try arguments.double("smoothing", in: 0...1e9)!
        let checkpoint = try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = try checkpoint?.restore(CountBigram.self, source: arguments.string("load")!)
            ?? CountBigram(words: dataset.train, vocabularySize: dataset.vocabulary.size, smoothing: smoothing)
        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: 0, valLoss: nil)
        if let path = arguments.string("plot") {
            try AtomicFile.write(CountHeatmap.svg(counts: model.counts, vocabulary: dataset.vocabulary), to: path)
        }
        var report = StageReport(
            model: name, parameters: model.counts.count, dataset: dataset,
            losses: StageOptions.losses(model, dataset),
            samples: try StageOptions.samples(model, dataset, arguments, generator: &generator))
        let pairs = arguments.flag("show-counts") ? model.topPairs(20) : []
        report.extra = [("smoothing", .number(model.smoothing))]
        if !pairs.isEmpty {
            report.extra.append(("top_pairs", .array(pairs.map {
                .object([("pair", .string(dataset.vocabulary.decode([$0.previous, $0.next]))), ("count", .integer($0.count))])
            })))
        }
        report.seconds = (ContinuousClock.now - clock).seconds
        let details = pairs.isEmpty ? [] : ["most frequent pairs:"] + pairs.map {
            "  \(dataset.vocabulary.decode([$0.previous, $0.next]))  \($0.count)"
        }
        StageOptions.emit(report, arguments, details: details)
    }
}
