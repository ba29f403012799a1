import Foundation
import MakemoreKit

/// One measured case: what ran, on which shape, and its figures (e.g. `"GFLOP/s 1T": 153.2`).
struct BenchmarkRow: Codable {
    var section: String
    var name: String
    var shape: String
    /// Metric name → value, in the order the table prints them.
    var metrics: [Metric]

    struct Metric: Codable {
        var name: String
        var value: Double
    }
}

/// Collects rows from every benchmark section, prints them as a table and writes them as JSON.
struct BenchmarkReport {
    private(set) var rows: [BenchmarkRow] = []

    mutating func add(section: String, name: String, shape: String, metrics: [(String, Double)]) {
        rows.append(BenchmarkRow(
            section: section, name: name, shape: shape,
            metrics: metrics.map { BenchmarkRow.Metric(name: $0.0, value: $0.1) }))
    }

    /// The rows of `section` as an aligned text table; metrics missing from a row print as `-`,
    /// values below 1 with four decimals (sub-millisecond steps), others with one.
    func table(section: String) -> String {
        let rows = rows.filter { $0.section == section }
        var metricNames: [String] = []
        for row in rows {
            for metric in row.metrics where !metricNames.contains(metric.name) { metricNames.append(metric.name) }
        }
        let header = ["case", "shape"] + metricNames
        let body = rows.map { row in
            [row.name, row.shape] + metricNames.map { name in
                row.metrics.first { $0.name == name }.map { String(format: abs($0.value) < 1 ? "%.4f" : "%.1f", $0.value) } ?? "-"
            }
        }
        let widths = header.indices.map { column in
            ([header] + body).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + pad : pad + cell  // text left, numbers right
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + body.map(line)).joined(separator: "\n")
    }

    /// Writes all rows as JSON to `path`, atomically (a reader never sees a half-written report).
    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(rows), to: path)
    }
}

/// Median wall time of one call of `body`, over `repetitions` timed runs of enough calls each
/// to last about `minimumRun` (so clock resolution and call overhead do not dominate).
func medianSeconds(repetitions: Int = 7, minimumRun: Duration = .milliseconds(5), _ body: () -> Void) -> Double {
    timedRuns(repetitions: repetitions, minimumRun: minimumRun, body).median
}

/// The median and the fastest of `repetitions` timed runs of `body` (seconds per call), each run
/// long enough to last about `minimumRun`. On a shared machine the fastest run is the one least
/// disturbed by other processes: it approximates the uncontended speed, and is what a kernel is
/// compared with the same-run FMA peak by.
func timedRuns(repetitions: Int, minimumRun: Duration, _ body: () -> Void) -> (median: Double, best: Double) {
    let clock = ContinuousClock()
    body()  // warm caches and wake lazily started threads
    var calls = 1
    while clock.measure({ for _ in 0..<calls { body() } }) < minimumRun { calls *= 2 }
    var samples: [Double] = []
    for _ in 0..<repetitions {
        let elapsed = clock.measure { for _ in 0..<calls { body() } }
        samples.append(elapsed.seconds / Double(calls))
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

/// Mean wall time of one call of `body`, called back to back for about `duration` after one
/// warm-up call.
func meanSeconds(runningFor duration: Duration, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    body()
    let start = clock.now
    var calls = 0
    while clock.now - start < duration {
        body()
        calls += 1
    }
    return (clock.now - start).seconds / Double(calls)
}
