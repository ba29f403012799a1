import Foundation
import MakemoreKit
import MakemoreKernels

/// makemore.py's transformer at four sizes, 0.2 M to 14 M parameters: ms per AdamW training step
/// (as `makemore transformer --layers L --embedding C --batch-size B` takes it: words drawn with
/// replacement, no moving average) with one model copy (big matrix products still split across
/// the cores) and with one copy per core (the batch split, as `--threads` does), and the GFLOP/s
/// of its `Linear` layers (forward, dx and dW: 6 · weights · positions per step; attention not
/// counted). Under `taskset -c 0` everything runs on one core: the thread-scaling baseline.
/// "CPU ms/step" is the processor time of all threads per step: on one core, what the step
/// costs even when other processes share the core (a wall-clock figure then is not).
/// `Benchmarks/pytorch_transformer.py` times makemore.py's model in PyTorch at the same sizes.
enum ScalingBenchmark {
    static let section = "scaling"

    /// layers × channels, batch (words per step); 4 heads each, makemore.py's default.
    static let sizes: [(layers: Int, channels: Int, batch: Int)] = [(4, 64, 32), (4, 128, 32), (6, 256, 32), (8, 384, 64)]

    static func run(into report: inout BenchmarkReport) throws {
        guard let words = try? WordList.load(path: "names.txt"),
              let split = try? DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1),
              let dataset = try? Dataset(split: split)
        else {
            FileHandle.standardError.write(Data("scaling benchmarks need names.txt in the current directory\n".utf8))
            return
        }
        let blockSize = dataset.longestWord + 1
        guard let examples = try? SequenceExamples(words: dataset.train, blockSize: blockSize) else { return }
        // Positions a word contributes (its characters and the end token), on average.
        let positionsPerWord = Double(dataset.train.reduce(0) { $0 + $1.count + 1 }) / Double(dataset.train.count)
        let cores = Parallel.coreCount
        for size in sizes {
            for threads in Set([1, cores]).sorted() {
                let name = "transformer \(size.layers)×\(size.channels), batch \(size.batch), \(threads) cop\(threads == 1 ? "y" : "ies") on \(cores) core\(cores == 1 ? "" : "s")"
                guard TrainingBenchmark.selected(name) else { continue }
                var generator = RandomGenerator(seed: 42)
                let configuration = TransformerConfiguration(
                    vocabularySize: dataset.vocabulary.size, blockSize: blockSize, layers: size.layers, heads: 4, embedding: size.channels)
                let models = try (0..<threads).map { _ in try Transformer(configuration: configuration, using: &generator) }
                let optimizer = Optimizer(parameters: models[0].parameters, configuration: TrainingBenchmark.makemoreAdamW)
                let training = TrainingStep(optimizer: optimizer, sequences: examples, batchSize: size.batch, order: .replacement,
                                            parallel: DataParallel(models: models))
                var batches = RandomGenerator(seed: 7)
                var steps = 0
                let body = {
                    _ = training(learningRate: 5e-4, using: &batches)
                    steps += 1
                }
                let cpuBefore = processorSeconds()
                let seconds: (median: Double, best: Double)
                if let runFor = TrainingBenchmark.runFor {
                    let mean = meanSeconds(runningFor: runFor, body)
                    seconds = (mean, mean)
                } else {
                    seconds = timedRuns(repetitions: 5, minimumRun: .milliseconds(300), body)
                }
                let cpuPerStep = (processorSeconds() - cpuBefore) / Double(steps)
                let c = size.channels, v = configuration.vocabularySize
                let linearWeights = size.layers * 12 * c * c + c * v
                let flops = 6 * Double(linearWeights) * positionsPerWord * Double(size.batch)
                let parameters = models[0].parameterCount
                report.add(section: section, name: name,
                           shape: String(format: "%.2f M params, block %d", Double(parameters) / 1e6, blockSize),
                           metrics: [("ms/step", seconds.median * 1000), ("best ms/step", seconds.best * 1000),
                                     ("CPU ms/step", cpuPerStep * 1000), ("Linear GFLOP/s", flops / seconds.median / 1e9)])
            }
        }
    }
}

/// User plus system processor seconds this process has used, all threads.
func processorSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
