import Foundation

/// `makemore-bench [--only SECTION] [--filter TEXT] [--run-for SECONDS] [--json FILE]`: runs the
/// benchmark sections (all, or the one named), prints a table per section and, with `--json`,
/// writes every row to FILE. `--filter` keeps the rows whose name contains TEXT (every section);
/// `--run-for` repeats each kept training step (training and scaling rows) for SECONDS, so a
/// sampling profiler run around the process (`perf record -e cpu-clock`) sees almost nothing but
/// that step.
/// A new section is one more entry in `sections`.
let sections: [(name: String, run: (inout BenchmarkReport) throws -> Void)] = [
    (MatmulBenchmark.section, MatmulBenchmark.run),
    (TrainingBenchmark.section, TrainingBenchmark.run),
    (ScalingBenchmark.section, ScalingBenchmark.run),
    (KernelBenchmark.section, KernelBenchmark.run),
]

var only: String?
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--only": only = arguments.popFirst()
    case "--json": jsonPath = arguments.popFirst()
    case "--filter": TrainingBenchmark.filter = arguments.popFirst()
    case "--run-for":
        guard let text = arguments.popFirst(), let seconds = Double(text), seconds > 0, seconds <= 3600 else {
            FileHandle.standardError.write(Data("--run-for takes seconds in (0, 3600]\n".utf8))
            exit(2)
        }
        TrainingBenchmark.runFor = .milliseconds(Int(seconds * 1000))
    default:
        FileHandle.standardError.write(Data("usage: makemore-bench [--only SECTION] [--filter TEXT] [--run-for SECONDS] [--json FILE]\n".utf8))
        exit(2)
    }
}
if let only, !sections.contains(where: { $0.name == only }) {
    FileHandle.standardError.write(Data("unknown section \(only); sections: \(sections.map(\.name).joined(separator: ", "))\n".utf8))
    exit(2)
}

var report = BenchmarkReport()
for section in sections where only == nil || only == section.name {
    do {
        try section.run(&report)
    } catch {
        FileHandle.standardError.write(Data("\(section.name): \(error)\n".utf8))
        exit(1)
    }
    print("\n== \(section.name) ==")
    print(report.table(section: section.name))
}
if let jsonPath {
    do {
        try report.writeJSON(to: jsonPath)
        print("\nwrote \(jsonPath)")
    } catch {
        FileHandle.standardError.write(Data("could not write \(jsonPath): \(error)\n".utf8))
        exit(1)
    }
}
