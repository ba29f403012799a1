import Foundation
import Testing
@testable import MakemoreKit

/// Runs the built `makemore` binary (a dependency of this test target) as a user would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: URL = {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("makemore")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("makemore")
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the binary with `arguments` in `directory`, with `input` as its stdin when given.
    static func run(_ arguments: [String], in directory: URL = packageRoot, input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite struct CLITests {
    @Test func helpAndVersion() throws {
        let help = CLI.parse(["--help"])
        #expect(help.status == 0 && help.stdout.contains("bigram"))
        let bigramHelp = CLI.parse(["bigram", "--help"])
        #expect(bigramHelp.status == 0 && bigramHelp.stdout.contains("--smoothing S") && bigramHelp.stdout.contains("(default: 42)"))
        #expect(CLI.parse(["--version"]).stdout == "makemore 0.1.0\n")
    }

    /// Through the binary: the status, nothing on standard output, one line on standard error
    /// (the lines themselves: `usageErrorLines`, in-process).
    @Test(arguments: [[], ["bigram", "--bogus"], ["mlp", "--ema", "x"], ["split"]])
    func usageErrorsExit64WithOneLineEndingInTheHint(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasSuffix(" --help')"))
    }

    /// The line of each usage error, found in-process: the command line's rules (CommandLineOptionsTests
    /// pins each one), makemore's commands, and library errors named by their flags.
    @Test func usageErrorLines() {
        let lines: [([String], String)] = [
            ([], "makemore: missing subcommand (see 'makemore --help')"),
            (["nonsense"], "makemore: unknown subcommand 'nonsense' (see 'makemore --help')"),
            (["bigram", "--bogus"], "makemore bigram: unknown option '--bogus' (see 'makemore bigram --help')"),
            (["bigram", "--seed"], "makemore bigram: option '--seed' needs a value (N) (see 'makemore bigram --help')"),
            (["bigram", "--seed", "x"], "makemore bigram: option '--seed' expects a non-negative whole number, got 'x' (see 'makemore bigram --help')"),
            (["bigram", "--smoothing", "-1"], "makemore bigram: option '--smoothing' must be in 0.0...1000000000.0, got -1.0 (see 'makemore bigram --help')"),
            (["bigram", "--val-fraction", "0.6", "--test-fraction", "0.5"],
             "makemore bigram: --val-fraction + --test-fraction must be below 1 (got 1.1) (see 'makemore bigram --help')"),
            (["bigram", "stray"], "makemore bigram: unexpected argument 'stray' (see 'makemore bigram --help')"),
            (["bigram", "--json=1"], "makemore bigram: option '--json' takes no value (see 'makemore bigram --help')"),
            (["bigram", "--input", ""], "makemore bigram: option '--input' needs a value (FILE), got an empty string (see 'makemore bigram --help')"),
            (["split"], "makemore split: missing --out DIR (see 'makemore split --help')"),
            (["mlp", "--ema", "1"], "makemore mlp: option '--ema' must be in 0.0...0.999999999, got 1.0 (see 'makemore mlp --help')"),
            (["mlp", "--ema", "x"], "makemore mlp: option '--ema' expects a decay in [0, 1) or 'off', got 'x' (see 'makemore mlp --help')"),
            (["mlp", "--weight-decay-on", "x"], "makemore mlp: option '--weight-decay-on' must be one of all, matrices, got 'x' (see 'makemore mlp --help')"),
            (["mlp", "--sampling", "x"], "makemore mlp: option '--sampling' must be one of replacement, epochs, got 'x' (see 'makemore mlp --help')"),
            (["mlp", "--input", "toy.txt", "--save", "--quiet"],
             "makemore mlp: option '--save' needs a value (FILE), got the option '--quiet'; write ./--quiet for a file of that name (see 'makemore mlp --help')"),
            (["mlp", "--input", "toy.txt", "--steps", "99999999999999999999"],
             "makemore mlp: option '--steps' is too large, got '99999999999999999999' (see 'makemore mlp --help')"),
            (["mlp", "--input", "toy.txt", "--eval-every", "0"], "makemore mlp: option '--eval-every' must be 1 or more, got 0 (see 'makemore mlp --help')"),
            (["lr-find", "mlp", "--input", "toy.txt", "--save", "m.safetensors"], "makemore lr-find: unknown option '--save' (see 'makemore lr-find --help')"),
        ]
        for (arguments, line) in lines {
            let result = CLI.parse(arguments)
            #expect(result.status == 64 && result.stdout.isEmpty && result.stderr == line + "\n", "\(arguments)")
        }
    }

    @Test func badInputFilesExit1WithOneLineNamingTheFile() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, [UInt8], String)] = [
            ("empty.txt", [], "is empty"),
            ("blank.txt", Array(" \n\n\r\n".utf8), "contains no words"),
            ("bad.txt", Array("ann\nbo".utf8) + [0xC3, 0x28] + Array("\n".utf8), "line 2 is not valid UTF-8"),
        ]
        for (name, bytes, message) in cases {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
            let result = try CLI.run(["bigram", "--input", name], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains(name) && result.stderr.contains(message))
        }
        let missing = try CLI.run(["bigram", "--input", "missing.txt"], in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("missing.txt: no such file"))
    }

    @Test func bigramJSONOnToyWordsAndSplitDirRoundTrip() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<200).map { ["ann", "anna", "bob", "bobby", "cy", "zoë"][$0 % 6] }.joined(separator: "\r\n")
        try Data(("\u{FEFF}" + words).utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let split = try CLI.run(["split", "--input", "toy.txt", "--out", "parts", "--seed", "7"], in: directory)
        #expect(split.status == 0)
        let a = try CLI.run(["bigram", "--input", "toy.txt", "--seed", "7", "--json", "--samples", "5"], in: directory)
        let b = try CLI.run(["bigram", "--split-dir", "parts", "--seed", "7", "--json", "--samples", "5"], in: directory)
        #expect(a.status == 0 && b.status == 0)
        let objectA = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        let objectB = try #require(try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])
        #expect(objectA["model"] as? String == "bigram")
        #expect(objectA["vocabulary_size"] as? Int == 9)  // a b c n o y z ë + boundary
        #expect((objectA["samples"] as? [String])?.count == 5)
        #expect(objectA["loss"] as? NSDictionary == objectB["loss"] as? NSDictionary)
        #expect(objectA["samples"] as? [String] == objectB["samples"] as? [String])
    }

    @Test func plotIsWrittenAndSmoothingZeroReportsInfinity() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("ab\nba\nab\nab\naa\nbb\nab\nab\nab\nab\n".utf8).write(to: directory.appendingPathComponent("w.txt"))
        let result = try CLI.run(["bigram", "--input", "w.txt", "--smoothing", "0", "--plot", "m.svg", "--val-fraction", "0.5", "--test-fraction", "0"], in: directory)
        #expect(result.status == 0)
        let svg = try String(contentsOf: directory.appendingPathComponent("m.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains(">ab<"))
    }
}

@Suite struct MLPCLITests {
    static func toyDirectory() throws -> URL {
        let directory = try CLI.temporaryDirectory()
        let words = (0..<120).map { ["emma", "olivia", "ava", "isabella", "sophia", "mia"][$0 % 6] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        return directory
    }

    @Test func helpListsTheStageOptions() throws {
        let help = CLI.parse(["mlp", "--help"])
        #expect(help.status == 0)
        for option in ["--context K", "--hidden H", "--layers L", "--no-batchnorm", "--init NAME", "--diagnose", "--plot-diagnostics DIR", "(default: 200000)"] {
            #expect(help.stdout.contains(option), "missing \(option)")
        }
        let lrFind = CLI.parse(["lr-find", "--help"])
        #expect(lrFind.status == 0 && lrFind.stdout.contains("lr-find {mlp}") && lrFind.stdout.contains("--sweep-steps N"))
    }

    @Test func aTinyJSONRunWithDiagnostics() throws {
        let directory = try Self.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["mlp", "--input", "toy.txt", "--steps", "50", "--hidden", "16", "--layers", "2", "--json", "--quiet",
                                  "--samples", "3", "--diagnose-every", "25", "--plot-diagnostics", "plots"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "mlp" && object["steps"] as? Int == 50)
        #expect((object["samples"] as? [String])?.count == 3)
        let initial = try #require(object["initial_loss"] as? Double)
        #expect(abs(initial - log(Double(try #require(object["vocabulary_size"] as? Int)))) < 0.1)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["step"] as? Int } == [1, 25, 50])
        let layers = try #require(diagnostics[0]["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == ["layers.2", "layers.5"])
        #expect(result.stderr.contains("diagnostics after step 25:") && result.stderr.contains("log10 update:data"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("plots").path)
        #expect(Set(files).isSuperset(of: ["update-ratio.svg", "activations-1.svg", "activation-gradients-50.svg", "weight-gradients-25.svg"]))
    }

    @Test func aMovingAverageRunReportsItsDecayAndRecalibratesBatchNorm() throws {
        let directory = try Self.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for ema in ["0.9", "off"] {
            let result = try CLI.run(["mlp", "--input", "toy.txt", "--steps", "60", "--hidden", "16", "--ema", ema, "--json", "--quiet", "--samples", "0"],
                                     in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["ema_decay"] as? Double == (ema == "off" ? nil : 0.9))
            #expect(object["batch_norm_calibrated"] as? Bool == (ema != "off"))
        }
    }

    /// The MLP's defaults are the tuned recipe (15-dimensional embeddings, decay at 150 000, a
    /// moving average); `--preset lecture` is lecture 3's exact setup, and flags still override it.
    @Test func theMLPDefaultsAreTunedAndTheLecturePresetIsTheLecture() throws {
        let training = StageKind.mlp.defaultTraining, lecture = StageRegistry.lectureMLP
        #expect(training.decayStep == 150_000 && training.ema == 0.9999 && training.steps == 200_000 && training.learningRate == 0.1)
        #expect(StageKind.mlp.defaultConfiguration == .mlp(MLPConfiguration(embeddingDimensions: 15)))
        #expect(lecture.configuration == .mlp(MLPConfiguration()) && MLPConfiguration().embeddingDimensions == 10)
        #expect(lecture.training.decayStep == 100_000 && lecture.training.ema == nil && lecture.training.steps == 200_000)

        let directory = try Self.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configurations: [String: [String: Any]] = [:]
        for preset in ["none", "lecture"] {
            let arguments = ["mlp", "--input", "toy.txt", "--steps", "30", "--hidden", "16", "--json", "--quiet", "--samples", "0"]
                + (preset == "lecture" ? ["--preset", "lecture"] : [])
            let result = try CLI.run(arguments, in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            configurations[preset] = object["configuration"] as? [String: Any]
            #expect(object["ema_decay"] as? Double == (preset == "lecture" ? nil : 0.9999))
            #expect((configurations[preset]?["hidden_size"] as? Int) == 16)
        }
        #expect(configurations["none"]?["embedding_dimensions"] as? Int == 15)
        #expect(configurations["lecture"]?["embedding_dimensions"] as? Int == 10)
        let conflict = CLI.parse(["mlp", "--preset", "makemore", "--context", "3"])
        #expect(conflict.status == 64)
    }

    @Test func aRunReportsHowItsBatchesDrewExamples() throws {
        let directory = try Self.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var validation: [String: Double] = [:]
        for sampling in ["replacement", "epochs"] {
            let result = try CLI.run(["mlp", "--input", "toy.txt", "--steps", "40", "--hidden", "16", "--sampling", sampling, "--json", "--quiet", "--samples", "0"],
                                     in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["sampling"] as? String == sampling)
            validation[sampling] = (object["loss"] as? [String: Any])?["val"] as? Double
        }
        #expect(validation["replacement"] != validation["epochs"])  // the order reached the batches
        let text = try CLI.run(["mlp", "--input", "toy.txt", "--steps", "5", "--hidden", "16", "--sampling", "epochs", "--samples", "0", "--quiet"], in: directory)
        #expect(text.stdout.contains("once per shuffled pass"))
    }

    @Test func lrFindSweepsAndSuggests() throws {
        let directory = try Self.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["lr-find", "mlp", "--input", "toy.txt", "--sweep-steps", "60", "--hidden", "16", "--json", "--plot", "lr.svg"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rates = try #require(object["lr"] as? [Double])
        #expect(abs(rates[0] - 0.001) < 1e-12 && rates.count <= 60)
        #expect(object["suggested_lr"] as? Double != nil)
        let svg = try String(contentsOf: directory.appendingPathComponent("lr.svg"), encoding: .utf8)
        #expect(svg.contains("log scale"))
    }

    @Test(arguments: [["lr-find"], ["lr-find", "--steps", "5"], ["lr-find", "bigram"], ["mlp", "--batch-size", "1"]])
    func usageErrors(arguments: [String]) throws {
        let result = CLI.parse(arguments)
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasSuffix(" --help')"))
    }
}
