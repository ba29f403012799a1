import Foundation
import Testing

/// `--stop-at` + `--save`, then `--resume`: the same log and report as one run; fine-tuning on
/// other words; the errors of a resume that cannot be.
@Suite struct ResumeCLITests {
    @Test func stopSaveAndResumeGiveTheRunOfOneGo() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<120).map { ["ann", "anna", "bob", "bobby", "cy", "zoe", "emma", "mia"][$0 % 8] }
        try (words.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("w.txt"), atomically: true, encoding: .utf8)
        try "bo\ncy\nann\nmo\n".write(to: directory.appendingPathComponent("pets.txt"), atomically: true, encoding: .utf8)
        try "rex\nfido\n".write(to: directory.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let common = ["transformer", "--input", "w.txt", "--steps", "16", "--layers", "1", "--heads", "2", "--embedding", "8", "--batch-size", "8",
                      "--eval-every", "4", "--warmup", "2", "--ema", "0.9", "--samples", "4", "--json", "--quiet"]
        let one = try CLI.run(common + ["--log", "one.jsonl"], in: directory)
        let half = try CLI.run(common + ["--stop-at", "8", "--save", "half.safetensors", "--log", "half.jsonl"], in: directory)
        let rest = try CLI.run(["transformer", "--input", "w.txt", "--resume", "half.safetensors", "--samples", "4", "--json", "--quiet",
                                "--log", "rest.jsonl"], in: directory)
        #expect(one.status == 0 && half.status == 0 && rest.status == 0, "\(half.stderr)\(rest.stderr)")
        func text(_ name: String) throws -> String { try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }
        #expect(try text("half.jsonl") + text("rest.jsonl") == text("one.jsonl"))
        func withoutTimes(_ json: String) -> String {
            json.replacingOccurrences(of: #""(seconds|train_seconds|ms_per_step|steps)":[0-9.e+-]+,?"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(rest.stdout) == withoutTimes(one.stdout))

        let pets = try CLI.run(["transformer", "--input", "pets.txt", "--val-fraction", "0.25", "--test-fraction", "0.25", "--resume",
                                "half.safetensors", "--steps", "2", "--samples", "1", "--quiet"], in: directory)
        #expect(pets.status == 0 && pets.stderr.contains("fine-tuning its weights"), "\(pets.stderr)")
        let bad = try CLI.run(["transformer", "--input", "bad.txt", "--resume", "half.safetensors", "--steps", "2"], in: directory)
        #expect(bad.status == 1 && bad.stderr.contains("'d', 'f', 'r', 'x'") && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        let settings = try CLI.run(["transformer", "--input", "w.txt", "--resume", "half.safetensors", "--lr", "0.1"], in: directory)
        #expect(settings.status == 64 && settings.stderr.contains("--lr"))
        let done = try CLI.run(["transformer", "--input", "w.txt", "--resume", "half.safetensors", "--steps", "8"], in: directory)
        #expect(done.status == 64 && done.stderr.contains("already trained 8 steps"))
        let unsaved = try CLI.run(common + ["--stop-at", "4"], in: directory)
        #expect(unsaved.status == 64 && unsaved.stderr.contains("--stop-at needs --save"))
    }
}
