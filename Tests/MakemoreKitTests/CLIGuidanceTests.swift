import Foundation
import Testing

/// What the command line tells a user who slips: suggestions for misspelt names, `--load` with
/// training options refused, a "saved" line, how to resume a stopped run, `compare --quiet`,
/// and a BatchNorm checkpoint that evaluates exactly as its run reported.
@Suite struct CLIGuidanceTests {
    @Test func misspeltNamesGetASuggestion() throws {
        let subcommand = CLI.parse(["trasformer"])
        #expect(subcommand.status == 64 && subcommand.stderr.contains("did you mean 'transformer'?"))
        let flag = CLI.parse(["mlp", "--step", "3"])
        #expect(flag.status == 64 && flag.stderr.contains("did you mean '--steps'?"))
        let stage = CLI.parse(["compare", "--stages", "bigram,mpl"])
        #expect(stage.status == 64 && stage.stderr.contains("did you mean 'mlp'?"))
        #expect(!CLI.parse(["mlp", "--banana", "3"]).stderr.contains("did you mean"))
    }

    @Test func helpShowsSchedulesThatFollowTheSteps() throws {
        let mlp = CLI.parse(["mlp", "--help"]).stdout
        #expect(mlp.contains("(default: 150000 (75 % of --steps))") && mlp.contains("examples (a character and its context) per step"))
        let gru = CLI.parse(["gru", "--help"]).stdout
        #expect(gru.contains("(default: a tenth of --steps, at most 500)") && gru.contains("words per step"))
        #expect(gru.contains("(default: 200 (1 % of --steps))"))
    }

    @Test func savingStoppingAndLoadingSayWhatHappened() throws {
        let directory = try MLPCLITests.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let common = ["mlp", "--input", "toy.txt", "--steps", "40", "--hidden", "16", "--samples", "0", "--quiet"]
        let saved = try CLI.run(common + ["--save", "m.st", "--json"], in: directory)
        #expect(saved.status == 0 && !saved.stderr.contains("saved"), "\(saved.stderr)")
        let text = try CLI.run(common + ["--save", "t.st"], in: directory)
        #expect(text.status == 0 && text.stderr.contains("saved t.st"))

        // The checkpoint of a BatchNorm model evaluates exactly as its run reported.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(saved.stdout.utf8)) as? [String: Any])
        let eval = try CLI.run(["eval", "--load", "m.st", "--json"], in: directory)
        let evaluated = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let reported = try #require(report["loss"] as? [String: Double]), loaded = try #require(evaluated["loss"] as? [String: Double])
        #expect(reported == loaded)

        let stopped = try CLI.run(common + ["--stop-at", "10", "--save", "half.st"], in: directory)
        #expect(stopped.status == 0 && stopped.stderr.contains("stopped at step 10 of 40; continue with: makemore mlp --resume half.st"))

        let load = try CLI.run(["mlp", "--load", "m.st", "--steps", "10"], in: directory)
        #expect(load.status == 64 && load.stderr.contains("--steps: --load only evaluates") && load.stderr.contains("--resume"))
    }

    @Test func compareQuietPrintsNothingOnStderr() throws {
        let directory = try MLPCLITests.toyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["compare", "--input", "toy.txt", "--stages", "bigram,neural-bigram", "--samples", "1", "--quiet"], in: directory)
        #expect(result.status == 0 && result.stderr.isEmpty && result.stdout.contains("| neural-bigram |"), "\(result.stderr)")
    }
}
