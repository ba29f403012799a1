import Foundation
import Testing
@testable import MakemoreKit

/// Issue 15's classes, one row each, through the real binary: the exit code, a one-line
/// message (a usage error's ending in the `--help` hint) with no trace, and no file created,
/// changed or left behind.
@Suite struct HostileCLITests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        let status: Int32
        /// Text the message must contain.
        let message: String
        var stdin: String? = nil
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
        Row(name: "10 a flag taken as a value", arguments: ["mlp", "--input", "toy.txt", "--save", "--quiet"], status: 64,
            message: "option '--save' needs a value (FILE), got the option '--quiet'"),
        Row(name: "11 lr-find --save", arguments: ["lr-find", "mlp", "--input", "toy.txt", "--save", "m.safetensors"], status: 64, message: "unknown option '--save'"),
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
        Row(name: "14 a number too large", arguments: ["mlp", "--input", "toy.txt", "--steps", "99999999999999999999"], status: 64, message: "option '--steps' is too large"),
        Row(name: "14 a tab inside a word", arguments: ["bigram", "--input", "tabs.txt"], status: 1, message: "tabs.txt: line 1 contains a tab inside a word"),
        Row(name: "14 a bound said plainly", arguments: ["mlp", "--input", "toy.txt", "--eval-every", "0"], status: 64, message: "option '--eval-every' must be 1 or more, got 0"),
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
        let rnn = RNN(configuration: SequenceModelConfiguration(vocabularySize: vocabulary.size, blockSize: 4, embedding: 3, hidden: 3), using: &generator)
        try Checkpoint(model: rnn, vocabulary: vocabulary, split: record, step: 1, valLoss: nil)
            .write(to: directory.appendingPathComponent("rnn.safetensors").path)
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

    static func run(_ arguments: [String], in directory: URL, stdin: String?) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        (process.standardOutput, process.standardError, process.standardInput) = (out, err, input)
        try process.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: rows)
    func eachClassFailsCleanlyAndTouchesNoFile(row: Row) throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = Self.snapshot(directory)
        let result = try Self.run(row.arguments, in: directory, stdin: row.stdin)
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

    @Test func diagnoseEveryImpliesDiagnose() throws {
        let directory = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(["mlp", "--input", "toy.txt", "--steps", "4", "--diagnose-every", "2", "--quiet", "--json", "--samples", "0"], in: directory, stdin: nil)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"diagnostics\""))
    }
}
