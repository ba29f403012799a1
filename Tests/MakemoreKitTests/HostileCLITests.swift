import Foundation
import Testing
@testable import MakemoreKit

/// Issue 15's classes, one row each, through the real binary: the exit code, a one-line
/// message (a usage error's ending in the `--help` hint) with no trace, and no file created,
/// changed or left behind. The classes the command line's parsing alone refuses (a flag taken
/// as a value, an unknown option, a number too large, a bound, an empty file name) are pinned
/// in-process, line by line, by `CLITests.usageErrorLines`.
@Suite struct HostileCLITests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        let status: Int32
        /// Text the message must contain.
        let message: String
        var stdin: String? = nil
        /// A file standard output is opened on (nil: a pipe).
        var stdout: String? = nil
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "1 a word over the length limit", arguments: ["transformer", "--input", "long.txt", "--steps", "1"], status: 1,
            message: "long.txt: line 2 is a word of 2000 characters; the limit is 1024"),
        Row(name: "2 a configuration value out of range in a checkpoint", arguments: ["sample", "--load", "bad-config.safetensors"], status: 1,
            message: "bad-config.safetensors: hidden_size must be in 1...16384, got -5"),
        Row(name: "3 NaN weights", arguments: ["eval", "--load", "nan.safetensors"], status: 1, message: "holds a non-finite value (NaN)"),
        Row(name: "4 a model that cannot fit in memory", arguments: ["mlp", "--input", "toy.txt", "--hidden", "16384", "--layers", "64"], status: 1,
            message: "this run needs about"),
        Row(name: "4 a vocabulary from the data too large for a V×V model", arguments: ["neural-bigram", "--input", "cjk.txt", "--val-fraction", "0", "--test-fraction", "0", "--steps", "1"], status: 1,
            message: "this run needs about"),
        Row(name: "5 an output that is an input", arguments: ["mlp", "--input", "toy.txt", "--save", "toy.txt"], status: 64, message: "--save: toy.txt: is also an input"),
        Row(name: "5 split over its own input", arguments: ["split", "--input", "parts/train.txt", "--out", "parts"], status: 64,
            message: "is also an input"),
        Row(name: "6 divergence far above ln V", arguments: ["mlp", "--input", "toy.txt", "--lr", "1000", "--steps", "150", "--quiet", "--save", "old.safetensors"],
            status: 1, message: "training diverged at step 100"),
        Row(name: "7 a device that fails", arguments: ["bigram", "--input", "toy.txt", "--save", "/dev/full"], status: 1,
            message: "/dev/full: cannot be written"),
        Row(name: "9 a bad option with outputs named", arguments: ["mlp", "--input", "toy.txt", "--samples", "-1", "--save", "m.safetensors", "--log", "l.jsonl", "--plot-loss", "p.svg"],
            status: 64, message: "option '--samples' must be in 0...1000000, got -1"),
        Row(name: "9 an output in a missing directory", arguments: ["mlp", "--input", "toy.txt", "--log", "nowhere/l.jsonl"], status: 64,
            message: "--log: nowhere/l.jsonl: the directory nowhere does not exist"),
        Row(name: "9 an output that is a directory", arguments: ["mlp", "--input", "toy.txt", "--save", "parts"], status: 64, message: "--save: parts: is a directory"),
        Row(name: "11 compare --stages empty", arguments: ["compare", "--input", "toy.txt", "--stages", ""], status: 64, message: "--stages needs comma-separated stage names"),
        Row(name: "11 compare --out an existing file", arguments: ["compare", "--input", "toy.txt", "--stages", "bigram", "--out", "toy.txt"], status: 64,
            message: "--out: toy.txt: is a file, not a directory"),
        Row(name: "12 sample --prefix longer than the block", arguments: ["sample", "--load", "rnn.safetensors", "--prefix", "abcabcabc"], status: 64,
            message: "option '--prefix' must be at most 2 characters to fit block size 4, got 9 characters"),
        Row(name: "12 sample --prefix longer than any sampled word", arguments: ["sample", "--load", "mlp.safetensors", "--prefix", String(repeating: "ab", count: 20)],
            status: 64, message: "option '--prefix' must be at most 15 characters (sampled words are at most twice the longest word"),
        Row(name: "12 stage --prefix with unknown characters", arguments: ["rnn", "--load", "rnn.safetensors", "--prefix", "k9"], status: 64,
            message: "prefix 'k9' contains 'k', which is not in the vocabulary"),
        Row(name: "12 sample --prefix with unknown characters", arguments: ["sample", "--load", "rnn.safetensors", "--prefix", "k9"], status: 64,
            message: "prefix 'k9' contains 'k', which is not in the vocabulary"),
        Row(name: "13 an empty stream", arguments: ["bigram", "--input", "/dev/null"], status: 1, message: "/dev/null: is empty"),
        Row(name: "13 standard input, empty", arguments: ["bigram", "--input", "-"], status: 1, message: "standard input: is empty", stdin: ""),
        Row(name: "14 tiny data names the file", arguments: ["bigram", "--input", "one.txt"], status: 1, message: "one.txt: too few words to train on"),
        Row(name: "14 a tab inside a word", arguments: ["bigram", "--input", "tabs.txt"], status: 1, message: "tabs.txt: line 1 contains a tab inside a word"),
        // Issue 22's classes.
        Row(name: "22.1 a model.pt shape of a zero then huge dimensions", arguments: ["eval", "--load", "zero.pt", "--input", "toy.txt"], status: 1,
            message: "zero.pt: tensor \"w\": shape [0, 1099511627776, 1099511627776] is invalid"),
        Row(name: "22.1 the same through sample", arguments: ["sample", "--load", "zero.pt", "--input", "toy.txt"], status: 1, message: "is invalid"),
        Row(name: "22.2 overlapping zip entries", arguments: ["eval", "--load", "overlap.pt", "--input", "toy.txt"], status: 1, message: "overlap"),
        Row(name: "22.3 a training-state count of 10^15", arguments: ["sample", "--load", "parameters.safetensors"], status: 1,
            message: "parameters.safetensors: training_state.parameters must be in 0..."),
        Row(name: "22.3 a training-state count of Int.max", arguments: ["eval", "--load", "optimizer.safetensors"], status: 1,
            message: "optimizer.safetensors: training_state.optimizer_step must be in 0...3, got 9223372036854775807"),
        Row(name: "22.4 best_step beyond step", arguments: ["sample", "--load", "best.safetensors"], status: 1,
            message: "best.safetensors: training_state.best_step must be in 0...3, got 5"),
        Row(name: "22.4 a moving-average count at its maximum", arguments: ["sample", "--load", "average.safetensors"], status: 1,
            message: "average.safetensors: training_state.average_count must be in 0...3"),
        Row(name: "22.7 --plot-embedding over the input", arguments: ["mlp", "--input", "toy.txt", "--plot-embedding", "toy.txt"], status: 64,
            message: "--plot-embedding: toy.txt: is also an input"),
        Row(name: "22.7 --plot-embedding over the loaded checkpoint", arguments: ["mlp", "--load", "mlp.safetensors", "--plot-embedding", "mlp.safetensors"],
            status: 64, message: "--plot-embedding: mlp.safetensors: is also an input"),
        Row(name: "22.7 --plot-embedding in a missing directory", arguments: ["mlp", "--input", "toy.txt", "--plot-embedding", "nowhere/e.svg"], status: 64,
            message: "--plot-embedding: nowhere/e.svg: the directory nowhere does not exist"),
        Row(name: "22.8 --save and --plot-loss one file", arguments: ["mlp", "--input", "toy.txt", "--save", "x", "--plot-loss", "x"], status: 64,
            message: "--plot-loss: x: is also the output x"),
        Row(name: "22.8 --log and --plot-loss one file through a path", arguments: ["mlp", "--input", "toy.txt", "--log", "x", "--plot-loss", "./x"], status: 64,
            message: "--plot-loss: ./x: is also the output x"),
        Row(name: "22.8 --plot-loss over the resumed file", arguments: ["mlp", "--input", "toy.txt", "--resume", "mlp.safetensors", "--plot-loss", "mlp.safetensors"],
            status: 64, message: "--plot-loss: mlp.safetensors: is also an input"),
        Row(name: "22.7 score's plot over the word list the checkpoint records", arguments: ["score", "abc", "--load", "mlp.safetensors", "--plot-probabilities", "toy.txt"],
            status: 64, message: "--plot-probabilities: toy.txt: is the same file as the input"),
        Row(name: "22.7 a stage's output over the word list the loaded checkpoint records", arguments: ["mlp", "--load", "mlp.safetensors", "--plot-embedding", "toy.txt"],
            status: 64, message: "--plot-embedding: toy.txt: is the same file as the input"),
        Row(name: "22.8 score's two plots one file", arguments: ["score", "abc", "--load", "rnn.safetensors", "--plot-probabilities", "p.svg", "--plot-attention", "p.svg"],
            status: 64, message: "--plot-attention: p.svg: is also the output p.svg"),
        Row(name: "22.10 results to a full standard output", arguments: ["micrograd", "--json"], status: 1,
            message: "standard output: cannot be written", stdout: "/dev/full"),
        Row(name: "22.10 score to a full standard output", arguments: ["score", "abc", "--load", "rnn.safetensors"], status: 1,
            message: "standard output: cannot be written", stdout: "/dev/full"),
        Row(name: "22.11 --resume with a model flag", arguments: ["mlp", "--input", "toy.txt", "--resume", "mlp.safetensors", "--hidden", "8"], status: 64,
            message: "--hidden: mlp.safetensors is resumed with the model and threads it was started with"),
        Row(name: "22.11 --resume with --threads", arguments: ["rnn", "--input", "toy.txt", "--resume", "rnn.safetensors", "--threads", "2"], status: 64,
            message: "--threads: rnn.safetensors is resumed with the model"),
        Row(name: "22.11 --stop-at at the step reached", arguments: ["mlp", "--resume", "state.safetensors", "--stop-at", "3", "--save", "again.safetensors"],
            status: 64, message: "--stop-at 3: state.safetensors was already trained 3 steps"),
        Row(name: "22.13 an output under /proc", arguments: ["bigram", "--input", "toy.txt", "--save", "/proc/x.safetensors"], status: 64,
            message: "--save: /proc/x.safetensors: the directory /proc is not writable"),
        Row(name: "22.13 a descriptor that is not open", arguments: ["mlp", "--input", "toy.txt", "--log", "/dev/fd/99"], status: 64,
            message: "--log: /dev/fd/99: cannot be written"),
        Row(name: "22.15 an endless stream", arguments: ["bigram", "--input", "/dev/zero"], status: 1,
            message: "/dev/zero: line 1 is longer than 65536 bytes"),
        Row(name: "22.17 eval on words longer than the block", arguments: ["eval", "--load", "rnn.safetensors", "--input", "longer.txt"], status: 1,
            message: "has 5 characters; the rnn model reads at most 3 (block size 4)"),
        Row(name: "22.19 micrograd --plot-graph in a missing directory", arguments: ["micrograd", "--plot-graph", "nodir/x.svg"], status: 64,
            message: "--plot-graph: nodir/x.svg: the directory nodir does not exist"),
        Row(name: "22.19 a zip entry named ../", arguments: ["eval", "--load", "escape.pt", "--input", "toy.txt"], status: 1,
            message: "names a path outside the archive"),
    ]

    /// A directory with the files the rows use.
    static func fixture() throws -> URL {
        let directory = try CLI.temporaryDirectory()
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        let words = (0..<60).map { ["abc", "cab", "bca", "ab", "ca"][$0 % 5] }
        try write("toy.txt", words.joined(separator: "\n") + "\n")
        try write("long.txt", "abc\n" + String(repeating: "a", count: 2000) + "\n")
        try write("one.txt", "abc\n")
        let ideographs = Array(0x4E00..<0x9FFF) + Array(0x20000..<0x2A6DF)  // 63 710 distinct characters: V² values need ~90 GiB
        try write("cjk.txt", ideographs.compactMap(UnicodeScalar.init).map { String(Character($0)) }.joined(separator: "\n"))
        try write("tabs.txt", "abc\t3\ncab\t2\n")
        try write("old.safetensors", "an existing file that must survive")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("parts"), withIntermediateDirectories: true)
        for name in ["train", "val", "test"] { try write("parts/\(name).txt", words.joined(separator: "\n") + "\n") }
        let vocabulary = Vocabulary(words: words)
        let record = SplitRecord(input: directory.appendingPathComponent("toy.txt").path, directory: nil, seed: 1, valFraction: 0.1, testFraction: 0.1)
        var generator = RandomGenerator(seed: 5)
        var mlp = MLPConfiguration(vocabularySize: vocabulary.size)
        (mlp.hiddenSize, mlp.embeddingDimensions) = (4, 2)
        let checkpoint = try Checkpoint(model: MLP(configuration: mlp, using: &generator), vocabulary: vocabulary, split: record, step: 1, valLoss: nil)
        try checkpoint.write(to: directory.appendingPathComponent("mlp.safetensors").path)
        var badConfig = checkpoint
        badConfig.configuration = badConfig.configuration.replacingOccurrences(of: "\"hidden_size\":4", with: "\"hidden_size\":-5")
        try badConfig.write(to: directory.appendingPathComponent("bad-config.safetensors").path)
        var nan = checkpoint
        nan.tensors[0].values[0] = .nan
        try nan.write(to: directory.appendingPathComponent("nan.safetensors").path)
        let rnn = try RNN(configuration: SequenceModelConfiguration(vocabularySize: vocabulary.size, blockSize: 4, embedding: 3, hidden: 3), using: &generator)
        try Checkpoint(model: rnn, vocabulary: vocabulary, split: record, step: 1, valLoss: nil)
            .write(to: directory.appendingPathComponent("rnn.safetensors").path)
        try write("longer.txt", (words + ["abcab", "cabca"]).joined(separator: "\n") + "\n")
        let huge = 1 << 40
        let zero = TorchArchiveBuilder.Entry(shape: [0, huge, huge], strides: [1, huge, 1])
        try Data(TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([zero]))).write(to: directory.appendingPathComponent("zero.pt"))
        let valid = TorchArchiveBuilder.archive(pickle: TorchArchiveBuilder.pickle([.init()]))
        try Data(ModelFileFuzzTests.overlapping(valid, copies: 2000)).write(to: directory.appendingPathComponent("overlap.pt"))
        try Data(TorchArchiveBuilder.zip([("archive/data.pkl", TorchArchiveBuilder.pickle([.init()])), ("archive/../data/0", TorchArchiveBuilder.floats([1, 2, 3, 4]))]))
            .write(to: directory.appendingPathComponent("escape.pt"))
        let split = try DatasetSplit(shuffling: words, seed: 1, valFraction: 0.1, testFraction: 0.1)
        let state = try ModelFileFuzzTests.resumable(at: directory.appendingPathComponent("state.safetensors").path, dataset: Dataset(split: split), source: record)
        for (name, key, value) in [("parameters", "parameters", "1000000000000000"), ("optimizer", "optimizer_step", "9223372036854775807"),
                                   ("best", "best_step", "5"), ("average", "average_count", "9223372036854775807")] {
            try CheckpointFuzzTests.metadataEdited(state) { $0[TrainingState.prefix + key] = value }
                .write(to: directory.appendingPathComponent("\(name).safetensors"))
        }
        return directory
    }

    /// Every file under `directory` (hidden ones included) with its bytes.
    static func snapshot(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let name = enumerator?.nextObject() as? String {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = (try? Data(contentsOf: url)) ?? Data()
            }
        }
        return files
    }

    static func run(_ arguments: [String], in directory: URL, stdin: String?, stdout: String? = nil) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        (process.standardOutput, process.standardError, process.standardInput) = (out, err, input)
        if let path = stdout { process.standardOutput = FileHandle(forWritingAtPath: path) }
        try process.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let output = stdout == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: rows)
    func eachClassFailsCleanlyAndTouchesNoFile(row: Row) throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = Self.snapshot(directory)
        let result = try Self.run(row.arguments, in: directory, stdin: row.stdin, stdout: row.stdout)
        #expect(result.status == row.status, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasSuffix(" --help')") == (row.status == 64), "\(result.stderr)")
        #expect(result.stderr.contains(row.message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump") && !result.stderr.contains("NSCocoaErrorDomain"))
        #expect(Self.snapshot(directory) == before, "files changed")
    }

    @Test func aValueStartingWithDashDashIsPassedAsAPath() throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(["bigram", "--input", "toy.txt", "--save", "./--json", "--quiet"], in: directory, stdin: nil)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("--json").path))
    }

    @Test func standardInputAndAFIFOAreWordLists() throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = try String(contentsOf: directory.appendingPathComponent("toy.txt"), encoding: .utf8)
        let fromFile = try Self.run(["bigram", "--input", "toy.txt", "--json", "--samples", "3"], in: directory, stdin: nil)
        let fromStdin = try Self.run(["bigram", "--input", "-", "--json", "--samples", "3"], in: directory, stdin: words)
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        #expect(fromStdin.stdout.replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
                == fromFile.stdout.replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression))
    }

    /// Issue 22, class 6: score's table grows linearly with a word's length (it padded every
    /// row to the longest word: 10⁴ characters made 10⁸).
    @Test func scoringALongWordPrintsALinearTable() throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let word = String(repeating: "ab", count: 5000)
        let result = try Self.run(["score", word, "--load", "mlp.safetensors"], in: directory, stdin: nil)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count > 10_000)
        #expect(result.stdout.utf8.count < 100 * word.count, "\(result.stdout.utf8.count) bytes")
    }

    @Test func diagnoseEveryImpliesDiagnose() throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(["mlp", "--input", "toy.txt", "--steps", "4", "--diagnose-every", "2", "--quiet", "--json", "--samples", "0"], in: directory, stdin: nil)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"diagnostics\""))
    }
}

/// Issue 22, class 12: a SIGTERM or SIGHUP that arrives while a checkpoint is being written ends
/// the process by that signal (not exit 1), leaves no temporary file, and leaves the old file or
/// the complete new one. The binary is spawned with the signals' default actions (this test
/// process ignores them, and an ignored signal would be inherited and left alone).
@Suite struct SignalDuringWriteTests {
    @Test(arguments: [SIGTERM, SIGHUP])
    func aSignalDuringTheWriteEndsTheProcessByIt(signal number: Int32) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 1 500 distinct characters: a 9 MB count table, written while the test watches.
        let words = (0..<1500).compactMap { UnicodeScalar(0x4E00 + $0) }.map { String(Character($0)) + "a" }
        try Data((words + words).joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("wide.txt"))
        let out = directory.appendingPathComponent("out.safetensors")
        try Data("old".utf8).write(to: out)
        let arguments = [CLI.binary.path, "bigram", "--input", directory.appendingPathComponent("wide.txt").path, "--save", out.path,
                         "--samples", "0", "--val-fraction", "0", "--test-fraction", "0", "--quiet"]
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, CLI.binary.path, &actions, &attributes, argv, environ) == 0)
        // Wait (without sleeping) for the temporary file to appear, then signal.
        var seen = false, status: Int32 = 0
        while !seen && waitpid(pid, &status, WNOHANG) == 0 {
            seen = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.contains { $0.hasPrefix(".out.safetensors.tmp-") } ?? false
        }
        if seen {
            kill(pid, number)
            waitpid(pid, &status, 0)
            #expect(status & 0x7F == number, "wait status \(status): not ended by signal \(number)")
        } else {
            #expect(status == 0, "wait status \(status)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "\(left)")
        let saved = try Data(contentsOf: out)
        #expect(saved == Data("old".utf8) || (try? SafetensorsFile.decode(saved, name: "out")) != nil)
    }
}
