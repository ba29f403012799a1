import Foundation
import Testing
@testable import MakemoreKit

/// Any word list: the encodings a word list may come in, repeated words, and the vocabulary of
/// all the words (so a small list whose held-out words use a letter train lacks still works).
@Suite struct WordListEncodingTests {
    func parse(_ bytes: [UInt8], _ encoding: TextEncoding) throws -> [String] {
        try WordList.parse(Data(bytes), name: "w.txt", encoding: encoding)
    }

    @Test func latin1AndWindows1252MapTheirHighBytes() throws {
        // zoë, renée, €uro: 0xEB and 0xE9 are the same letters in both; 0x80 is € only in Windows-1252.
        let bytes: [UInt8] = Array("zo".utf8) + [0xEB, 0x0A] + Array("ren".utf8) + [0xE9, 0x65, 0x0A]
        #expect(try parse(bytes, .latin1) == ["zoë", "renée"])
        #expect(try parse(bytes, .windows1252) == ["zoë", "renée"])
        #expect(try parse([0x80] + Array("uro\n".utf8) + [0x9F], .windows1252) == ["€uro", "Ÿ"])
        #expect(throws: MakemoreError.file(path: "w.txt", reason: "line 2 holds the byte 0x81, which Windows-1252 leaves undefined")) {
            try parse(Array("ok\n".utf8) + [0x61, 0x81], .windows1252)
        }
        // In Latin-1 the byte 0x80 is a C1 control character: refused as a control character is.
        #expect(throws: MakemoreError.self) { try parse([0x80, 0x61], .latin1) }
        // As UTF-8 the Latin-1 file is an error naming the line and the way out.
        #expect(throws: MakemoreError.file(path: "w.txt", reason: "line 1 is not valid UTF-8 (another encoding? utf-16, latin-1, windows-1252)")) {
            try parse(bytes, .utf8)
        }
    }

    @Test func utf16IsRecognisedByItsByteOrderMark() throws {
        let text = "zoë\n김민준\n😀x\n"
        let little: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for encoding in TextEncoding.allCases {
            #expect(try parse(little, encoding) == ["zoë", "김민준", "😀x"])
            #expect(try parse(big, encoding) == ["zoë", "김민준", "😀x"])
        }
        // Without a mark, utf-16 reads big-endian (RFC 2781).
        #expect(try parse(Array(big.dropFirst(2)), .utf16) == ["zoë", "김민준", "😀x"])
        #expect(throws: MakemoreError.file(path: "w.txt", reason: "is not UTF-16 (an odd number of bytes after the byte-order mark)")) {
            try parse([0xFF, 0xFE, 0x61], .utf8)
        }
        // "a\n" then a lone high surrogate on line 2.
        #expect(throws: MakemoreError.file(path: "w.txt", reason: "line 2 is not valid UTF-16 (an unpaired surrogate)")) {
            try parse([0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00, 0x00, 0xD8, 0x61, 0x00], .utf16)
        }
    }

    @Test func repeatsAreRemovedFirstKeptAndCounted() {
        let (words, removed) = WordList.deduplicated(["emma", "ava", "emma", "zoe", "ava", "emma"])
        #expect(words == ["emma", "ava", "zoe"] && removed == 3)
    }

    @Test func theSplitCountsHeldOutWordsThatAreAlsoTrainingWords() {
        let split = DatasetSplit(train: ["emma", "ava", "zoe"], val: ["ava", "ava", "bob"], test: ["zoe", "kim"])
        #expect(split.overlapWithTrain.val == 2 && split.overlapWithTrain.test == 1)
    }

    @Test func theVocabularyIsTakenFromAllTheWords() throws {
        // 'w' occurs only in a val word: the training words alone would refuse it.
        let dataset = try Dataset(split: DatasetSplit(train: ["emma", "ava"], val: ["willow"], test: ["ed"]))
        #expect(String(dataset.vocabulary.characters) == "adeilmovw")
        #expect(dataset.val == [try dataset.vocabulary.encode("willow")])
    }

    @Test func theRecordRebuildsADeduplicatedLatin1Split() throws {
        let directory = try CLI.temporaryDirectory()
        let path = directory.appendingPathComponent("w.txt").path
        let words = ["zoë", "renée", "anaïs", "zoë", "chloé", "zoë", "inès", "noël", "maëlle", "anaïs"]
        try Data(words.joined(separator: "\n").unicodeScalars.map { UInt8($0.value) }).write(to: URL(fileURLWithPath: path))
        let (split, removed) = try DatasetSplit.load(input: path, encoding: .latin1, dedupe: true, seed: 3, valFraction: 0.2, testFraction: 0.2)
        #expect(removed == 3 && split.allWords.sorted() == Array(Set(words)).sorted())
        let record = SplitRecord(input: path, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.2, encoding: .latin1, dedupe: true)
        let decoded = try JSONDecoder().decode(SplitRecord.self, from: JSONEncoder().encode(record))
        #expect(decoded == record)
        #expect(try decoded.load() == split)
        // A record of UTF-8 without dedupe writes neither field: checkpoints of earlier runs read as before.
        let plain = String(decoding: try JSONEncoder().encode(SplitRecord(input: path, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.2)), as: UTF8.self)
        #expect(!plain.contains("encoding") && !plain.contains("dedupe"))
    }

    @Test func aHundredNamesFromStandardInputTrainAndSplitReportsOverlap() throws {
        let names = try String(contentsOf: CLI.packageRoot.appendingPathComponent("names.txt"), encoding: .utf8)
        let head = names.split(separator: "\n").prefix(100).joined(separator: "\n") + "\n"
        let run = try CLI.run(["bigram", "--input", "-", "--json", "--samples", "0"], input: head)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"vocabulary_size\":27"))
        let directory = try CLI.temporaryDirectory()
        let split = try CLI.run(["split", "--input", "-", "--out", directory.path, "--dedupe", "--json"], input: head + head)
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("\"in_train\":{\"val\":0,\"test\":0},\"duplicates_removed\":100"))
        let mixed = try CLI.run(["split", "--input", "-", "--out", directory.appendingPathComponent("again").path, "--json"], input: head + head)
        #expect(mixed.stdout.contains("\"in_train\":{\"val\":") && !mixed.stdout.contains("\"in_train\":{\"val\":0,"))
        let refused = CLI.parse(["bigram", "--split-dir", directory.path, "--dedupe"])
        #expect(refused.status == 64 && refused.stderr.contains("--dedupe applies to --input"))
        let badEncoding = CLI.parse(["bigram", "--encoding", "ebcdic"])
        #expect(badEncoding.status == 64 && badEncoding.stderr.contains("--encoding"))
    }

    /// `eval`, `sample` and `score` read `--input` as the stages do: in `--encoding`, with
    /// `--dedupe`; a checkpoint is then evaluated on the very split its run had.
    @Test func evalSampleAndScoreReadInputInItsEncodingDeduplicated() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = (0..<120).map { ["zoë", "anaïs", "léa", "chloé", "emma", "noël", "bob"][$0 % 7] + String(UnicodeScalar(97 + $0 % 26)!) }
        let latin1 = try #require((words + words.prefix(30)).joined(separator: "\n").appending("\n").data(using: .isoLatin1))
        try latin1.write(to: directory.appendingPathComponent("latin1.txt"))
        let trained = try CLI.run(["bigram", "--input", "latin1.txt", "--encoding", "latin-1", "--dedupe", "--save", "b.st", "--json", "--samples", "0"], in: directory)
        #expect(trained.status == 0, "\(trained.stderr)")
        let val = try #require(JSONParser.parse(trained.stdout)["loss"]?["val"]?.doubleValue)
        let eval = try CLI.run(["eval", "--load", "b.st", "--input", "latin1.txt", "--encoding", "latin-1", "--dedupe", "--json"], in: directory)
        #expect(eval.status == 0 && eval.stderr.contains("--dedupe removed 30 repeated words"), "\(eval.stderr)")
        #expect(try JSONParser.parse(eval.stdout)["loss"]?["val"]?.doubleValue == val)
        let sample = try CLI.run(["sample", "--load", "b.st", "--input", "latin1.txt", "--encoding", "latin-1", "--dedupe", "--count", "3"], in: directory)
        #expect(sample.status == 0 && sample.stdout.contains("of 3 are new"), "\(sample.stderr)")
        let score = try CLI.run(["score", "zoë", "--load", "b.st", "--input", "latin1.txt", "--encoding", "latin-1", "--dedupe"], in: directory)
        #expect(score.status == 0 && score.stdout.contains("zoë"), "\(score.stderr)")
        let utf8 = try CLI.run(["eval", "--load", "b.st", "--input", "latin1.txt"], in: directory)
        #expect(utf8.status == 1 && utf8.stderr.contains("latin1.txt") && utf8.stderr.split(separator: "\n").count == 1, "\(utf8.stderr)")
        let noInput = try CLI.run(["eval", "--load", "b.st", "--dedupe"], in: directory)
        #expect(noInput.status == 64 && noInput.stderr.contains("--dedupe applies to --input"))
        let noWords = try CLI.run(["sample", "--load", "b.st", "--encoding", "latin-1"], in: directory)
        #expect(noWords.status == 64 && noWords.stderr.contains("--encoding latin-1 applies to --input or --split-dir"))
    }
}
