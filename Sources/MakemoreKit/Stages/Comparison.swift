import Foundation

/// Several stages trained one after another on one split and reported side by side: what
/// `makemore compare` does, callable from a program. Each stage runs as `StageRun` runs it with
/// the stage's registered defaults, within its `compareBudget` unless `full`; a stage a program
/// registered takes part like the built-in ones.
///
/// ```swift
/// let dataset = try Dataset(split: DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1))
/// var comparison = Comparison(stages: [StageKind.bigram.definition, StageKind.neuralBigram.definition])
/// comparison.ensemble = true
/// let result = try comparison.run(on: dataset)
/// print(result.table)                                  // | stage | parameters | train NLL | …
/// for row in result.rows { print(row.model, row.losses[.val]??.nll ?? .nan) }
/// ```
public struct Comparison {
    /// The stages, in the order they run (`--stages`).
    public var stages: [StageDefinition]
    /// Whether each stage trains with all its defaults rather than within its `compareBudget`.
    public var full = false
    /// Whether a last row gives the mixture of the stages run, its weights fitted on the val split.
    public var ensemble = false
    /// Words sampled per stage.
    public var samples = 3
    /// Seeds every stage's initialisation, batches and sampling, and the ensemble's samples.
    public var seed: UInt64 = 42
    /// How the words were made, its paths as given: the files an output may not replace,
    /// recorded in the checkpoints written with absolute paths.
    public var source: SplitRecord?
    /// The stages whose default is one model copy per core train as on this many cores (nil:
    /// this machine's), so their numbers do not depend on the machine (`StageRegistry.withCores`).
    public var cores: Int?
    /// With `saveEvery`, the directory of each stage's checkpoint `<stage>.safetensors`.
    public var checkpoints: String?
    /// Write each trained stage's checkpoint every this many steps (needs `checkpoints`).
    public var saveEvery: Int?
    /// A directory for TensorBoard event files: one run per trained stage, `<stage>/`.
    public var tensorboard: String?
    /// The directory `run` writes the result's files to (`Result.write(to:)`), if any.
    package var results: String?
    /// As `StageRun.Training.onSecondInterrupt`: set to catch Ctrl-C, which stops the stage
    /// training then; the second calls this.
    package var onSecondInterrupt: (@Sendable () -> Void)?

    /// The stages a comparison runs unless told otherwise: the registered ones marked
    /// `inComparison`, in the registry's order.
    public static var ladder: [StageDefinition] { StageRegistry.definitions.filter(\.inComparison) }

    /// A comparison of `stages`.
    public init(stages: [StageDefinition] = Comparison.ladder) { self.stages = stages }

    /// A comparison of the stages of the `ladder` named `names`, in that order. Throws
    /// `MakemoreError.unknownStage` for a name that is not on the ladder.
    package init(stageNames names: [String]) throws {
        let ladder = Comparison.ladder
        self.init(stages: try names.map { name in
            guard let definition = ladder.first(where: { $0.kind.rawValue == name }) else {
                throw MakemoreError.unknownStage(name: name, known: ladder.map(\.kind.rawValue))
            }
            return definition
        })
    }

    /// What a comparison reports as it goes.
    public enum Event {
        /// The stage `kind` starts.
        case running(StageKind)
        /// An event of the run of the stage `kind`.
        case stage(StageKind, StageRun.Event)
        /// The ensemble's weights are being fitted.
        case fittingEnsemble
    }

    /// The checkpoint `saveEvery` writes for the stage `kind`, if any.
    package func checkpoint(of kind: StageKind) -> String? {
        guard saveEvery != nil, let checkpoints else { return nil }
        return (checkpoints as NSString).appendingPathComponent(kind.rawValue + ".safetensors")
    }

    /// Throws what `run` would refuse, before any words are read: `samples` or `saveEvery` out
    /// of `Limits`, `saveEvery` without `checkpoints` (`MakemoreError.needs`), and
    /// `MakemoreError.invalidOutput` for a TensorBoard directory that cannot be created, or a
    /// `results` or `checkpoints` directory that is a file or cannot be created or whose files
    /// would replace the words `source` names. `run` calls it first.
    package func validate() throws {
        try Limits.samples.check(samples)
        if let every = saveEvery {
            try Limits.saveEvery.check(every)
            guard checkpoints != nil else { throw MakemoreError.needs(name: Limits.saveEvery.name, needed: "checkpoints") }
        }
        try OutputPath.validateCreatable(directory: tensorboard, name: "tensorboard")
        let checkpointFiles = stages.compactMap { checkpoint(of: $0.kind).map { ($0 as NSString).lastPathComponent } }
        for (name, directory, files) in [("results", results, Result.fileNames), ("checkpoints", saveEvery == nil ? nil : checkpoints, checkpointFiles)] {
            guard let directory else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw MakemoreError.invalidOutput(name: name, path: directory, reason: "is a file, not a directory")
            }
            try OutputPath.validateCreatable(directory: directory, name: name)
            try OutputPath.validate(files: files, in: directory, name: name, inputs: source?.files ?? [])
        }
    }

    /// Trains and reports every stage on `dataset`, then the ensemble if asked, and writes the
    /// result's files to `results` if set. Throws what `validate` throws (first) and what a
    /// stage's run throws.
    public func run(on dataset: Dataset, onEvent: @escaping (Event) -> Void = { _ in }) throws -> Result {
        let clock = ContinuousClock.now
        try validate()
        if saveEvery != nil, let checkpoints { try Comparison.createDirectory(checkpoints) }
        var rows: [StageReport] = []
        var trained: [Stage] = []
        for definition in stages {
            let kind = definition.kind
            onEvent(.running(kind))
            var (stage, report) = try stageRun(definition, on: dataset).run { onEvent(.stage(kind, $0)) }
            if definition.reportsPreset { report.extra.append(("preset", .string("none"))) }
            rows.append(report)
            trained.append(stage)
        }
        var members: [Result.Member]?
        if ensemble {
            onEvent(.fittingEnsemble)
            let (report, weights) = try StageReport.fittedEnsemble(of: trained, dataset: dataset, samples: samples, seed: seed)
            rows.append(report)
            members = zip(trained, weights).map { Result.Member(model: $0.kind.rawValue, weight: $1) }
        }
        let result = Result(rows: rows, ensembleMembers: members, stages: trained, splitSizes: SplitName.allCases.map { ($0, dataset.split[$0].count) },
                            full: full, seconds: (ContinuousClock.now - clock).seconds)
        try results.map(result.write)
        return result
    }

    /// The run of `definition` in this comparison: its default model, its training within the
    /// budget, the shared split, the comparison's samples and outputs.
    func stageRun(_ definition: StageDefinition, on dataset: Dataset) -> StageRun {
        let kind = definition.kind
        var run = StageRun(definition.defaultConfiguration) { dataset.split }
        (run.dataset, run.source, run.seed, run.samples) = (dataset, source, seed, samples)
        if definition.trains {
            var training = StageRun.Training(StageRegistry.withCores(cores) { definition.comparisonTraining(full: full) })
            training.tensorboard = tensorboard.map { ($0 as NSString).appendingPathComponent(kind.rawValue) }
            training.saveEvery = saveEvery
            training.onSecondInterrupt = onSecondInterrupt
            run.training = training
        }
        run.outputs.checkpoint = checkpoint(of: kind)
        return run
    }

    /// The values a comparison takes.
    package enum Limits {
        /// Words sampled per stage.
        package static let samples = Limit("samples", 0...1000)
        /// Steps between checkpoints: a stage run's.
        package static let saveEvery = StageRun.Limits.saveEvery
    }

    /// What a comparison found: one typed row per stage (then the ensemble's), and the table,
    /// JSON and chart made from them.
    public struct Result {
        /// A stage of the ensemble and its weight in the mixture.
        public struct Member: Sendable, Equatable {
            public var model: String
            public var weight: Double
        }

        /// Each stage's report in the order run, then the ensemble's (model `ensemble`).
        public var rows: [StageReport]
        /// The ensemble's members and weights, if one was fitted.
        public var ensembleMembers: [Member]?
        /// The trained stages, in the order run.
        public var stages: [Stage]
        /// Words per split.
        package var splitSizes: [(SplitName, Int)]
        /// Whether the stages trained with all their defaults.
        package var full: Bool
        /// The whole comparison, seconds.
        package var seconds: Double

        /// `| stage | parameters | train NLL | val NLL | test NLL | train time | steps/s |`, one line per row.
        public var table: String {
            var lines = ["| stage | parameters | train NLL | val NLL | test NLL | train time | steps/s |", "|---|---:|---:|---:|---:|---:|---:|"]
            for row in rows {
                var time = "—", rate = "—"
                if let steps = row.steps, let seconds = row.trainSeconds {
                    time = String(format: "%.1f s", seconds)
                    if seconds > 0 { rate = String(format: "%.0f", Double(steps) / seconds) }
                }
                let losses = SplitName.allCases.map { split in (row.losses[split] ?? nil).map { String(format: "%.4f", $0.nll) } ?? "—" }
                lines.append("| " + ([row.model, String(row.parameters)] + losses + [time, rate]).joined(separator: " | ") + " |")
            }
            return lines.joined(separator: "\n")
        }

        /// `<stage> samples: a, b, c` per row, then the ensemble's weights if fitted.
        package var sampleLines: [String] {
            rows.map { "\($0.model) samples: " + $0.samples.joined(separator: ", ") }
                + (ensembleMembers.map { ["ensemble weights: " + $0.map { "\($0.model) " + String(format: "%.3f", $0.weight) }.joined(separator: ", ")] } ?? [])
        }

        /// The split's sizes, the budget, the seconds and every row's report: `compare --json`.
        public var json: JSONValue {
            .object([
                ("split", .object(splitSizes.map { ($0.0.rawValue, .integer($0.1)) })),
                ("budget", .string(full ? "full" : "modest")),
                ("seconds", .number(seconds)),
                ("stages", .array(rows.map(\.json))),
            ])
        }

        /// The val NLL of every row as a bar chart (SVG).
        package var chartSVG: String {
            BarChart(title: "val NLL per stage (lower is better)", unit: "nats", bars: rows.map { ($0.model, $0.losses[.val]??.nll ?? .nan) }).svg()
        }

        /// The file names `write(to:)` writes.
        package static let fileNames = ["compare.md", "compare.json", "val_nll.svg"]

        /// Writes `compare.md` (the table and the samples), `compare.json` and `val_nll.svg`
        /// into `directory`, created if missing, each file atomically.
        public func write(to directory: String) throws {
            try Comparison.createDirectory(directory)
            let path = { (directory as NSString).appendingPathComponent($0) }
            try AtomicFile.write(table + "\n\n" + sampleLines.map { "- " + $0 }.joined(separator: "\n") + "\n", to: path("compare.md"))
            try AtomicFile.write(json.serialized + "\n", to: path("compare.json"))
            try AtomicFile.write(chartSVG, to: path("val_nll.svg"))
        }
    }

    /// Creates `directory` and its parents if missing; an error names it.
    package static func createDirectory(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MakemoreError.file(path: directory, reason: "cannot create the directory (\(SystemError.describe(error)))")
        }
    }
}
