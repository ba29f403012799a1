import Foundation
import Testing
@testable import MakemoreKit

@Suite struct WordListTests {
    func parse(_ bytes: [UInt8]) throws -> [String] { try WordList.parse(Data(bytes), name: "t.txt") }

    @Test func crlfBomWhitespaceAndBlankLines() throws {
        let text = "\u{FEFF}emma\r\n  olivia \r\n\r\n\n\tava\n"
        #expect(try parse(Array(text.utf8)) == ["emma", "olivia", "ava"])
    }

    /// Lines of printable ASCII take a fast path; it must give what Foundation's trimming and the
    /// control-character check give, line by line, and leave every other line to them.
    @Test func printableASCIILinesParseAsTheGeneralPath() throws {
        let lines = ["emma", "  olivia ", "mary ann", " jo\r", "\r", "   ", "", "a b \r", "~!@#$%^&*()_+{}|:<>?",
                     "a\rb", "a\u{7F}", "\u{7F}", "x\u{0B}", "\u{0C}y", " Zoë ", "a\u{A0}", "\u{A0}a\u{A0}", "b \r "]
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            let control = trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control }
            let general: [String]? = control ? nil : trimmed.isEmpty ? [] : [trimmed]
            let fast = try? parse(Array(line.utf8))
            #expect(fast == general, "line \(line.debugDescription)")
            #expect(WordList.printableASCIIWord(ArraySlice(line.utf8)) == nil || !control, "line \(line.debugDescription)")
        }
    }

    @Test func unicodeItemsAreKept() throws {
        #expect(try parse(Array("Zoë\nJean-Luc\nO'Neil\n김민준".utf8)) == ["Zoë", "Jean-Luc", "O'Neil", "김민준"])
    }

    @Test func invalidUTF8NamesTheLine() {
        #expect(throws: MakemoreError.file(path: "t.txt", reason: "line 2 is not valid UTF-8 (another encoding? utf-16, latin-1, windows-1252)")) {
            try parse(Array("ok\n".utf8) + [0x61, 0xFF, 0x62] + Array("\nfine".utf8))
        }
    }

    @Test func emptyAndBlankFilesAreErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, content, message) in [("empty.txt", "", "is empty"), ("blank.txt", " \n\r\n\t\n", "contains no words (only blank lines)")] {
            let path = directory.appendingPathComponent(name).path
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: MakemoreError.file(path: path, reason: "\(message)")) { try WordList.load(path: path) }
        }
        #expect(throws: MakemoreError.file(path: "/no/such/file.txt", reason: "no such file")) { try WordList.load(path: "/no/such/file.txt") }
    }
}

@Suite struct VocabularyTests {
    @Test func namesVocabularyIsBoundaryThenSortedLetters() throws {
        let vocabulary = Vocabulary(words: ["emma", "zoe", "bob"])
        #expect(vocabulary.size == 7)
        #expect(vocabulary.token(of: "a") == 1 && vocabulary.token(of: "b") == 2 && vocabulary.token(of: "z") == 6)
        #expect(try vocabulary.symbol(of: 0) == ".")
    }

    @Test func roundTripIncludingNonASCII() throws {
        let words = ["Zoë", "Jean-Luc", "O'Neil", "김민준", "👩‍👩‍👧"]
        let vocabulary = Vocabulary(words: words)
        for word in words { #expect(try vocabulary.decode(vocabulary.encode(word)) == word) }
        #expect(try vocabulary.encode("김민준").count == 3)
        #expect(try vocabulary.encode("👩‍👩‍👧").count == 1)
    }

    /// A token is a grapheme cluster: precomposed ë (U+00EB) and e + U+0308 are the same token.
    @Test func characterIsAGraphemeCluster() throws {
        let precomposed = "Zo\u{00EB}", decomposed = "Zoe\u{0308}"
        let vocabulary = Vocabulary(words: [precomposed])
        #expect(try vocabulary.encode(decomposed) == vocabulary.encode(precomposed))
        #expect(try vocabulary.encode(decomposed).count == 3)
    }

    @Test func unknownCharacterIsAClearError() {
        let vocabulary = Vocabulary(words: ["abc"])
        #expect(throws: MakemoreError.outsideVocabulary(name: "prefix", text: "abz", character: "z")) {
            try vocabulary.encode("abz", context: "prefix")
        }
    }
}

@Suite struct SplitTests {
    let words = (0..<1000).map { "w\($0)" }

    @Test func deterministicDisjointAndSized() throws {
        let a = try DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1)
        let b = try DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1)
        let c = try DatasetSplit(shuffling: words, seed: 43, valFraction: 0.1, testFraction: 0.1)
        #expect(a == b)
        #expect(a != c)
        #expect((a.train.count, a.val.count, a.test.count) == (800, 100, 100))
        #expect(Set(a.train).isDisjoint(with: a.val) && Set(a.train).isDisjoint(with: a.test) && Set(a.val).isDisjoint(with: a.test))
        #expect(Set(a.train + a.val + a.test) == Set(words))
    }

    /// The lecture's cut of names.txt: int(0.8n) and int(0.9n).
    @Test func namesSizesFollowTheLecture() throws {
        let split = try DatasetSplit(shuffling: Array(repeating: "a", count: 32033), seed: 1, valFraction: 0.1, testFraction: 0.1)
        #expect((split.train.count, split.val.count, split.test.count) == (25626, 3203, 3204))
    }

    /// Pins the shuffle so a split is the same on every machine and every release.
    @Test func pinnedOrder() throws {
        let split = try DatasetSplit(shuffling: ["a", "b", "c", "d", "e"], seed: 42, valFraction: 0.2, testFraction: 0.2)
        var generator = RandomGenerator(seed: 42)
        var expected = ["a", "b", "c", "d", "e"]
        for i in stride(from: 4, to: 0, by: -1) { expected.swapAt(i, generator.integer(below: i + 1)) }
        #expect(split.train + split.val + split.test == expected)
    }

    @Test func zeroFractionsGiveEmptySplits() throws {
        let split = try DatasetSplit(shuffling: words, seed: 1, valFraction: 0, testFraction: 0)
        #expect(split.train.count == 1000 && split.val.isEmpty && split.test.isEmpty)
    }

    @Test func fractionsThatDoNotFitAreRejected() {
        #expect(throws: MakemoreError.self) { try DatasetSplit(shuffling: words, seed: 1, valFraction: 0.6, testFraction: 0.5) }
        #expect(throws: MakemoreError.self) { try DatasetSplit(shuffling: ["a"], seed: 1, valFraction: 0.5, testFraction: 0.4) }
    }

    @Test func writeAndReadBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let split = try DatasetSplit(shuffling: words, seed: 5, valFraction: 0.1, testFraction: 0)
        try split.write(to: directory)
        #expect(try DatasetSplit(directory: directory) == split)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}

@Suite struct ExampleTests {
    @Test func emmaWindowsOfThree() throws {
        let vocabulary = Vocabulary(words: ["emma"])
        let examples = WindowExamples(words: [try vocabulary.encode("emma")], contextLength: 3)
        let rendered = try (0..<examples.count).map { i in
            try vocabulary.decode(examples.contexts[(i * 3)..<(i * 3 + 3)]) + "→" + vocabulary.decode([examples.targets[i]])
        }
        #expect(rendered == ["...→e", "..e→m", ".em→m", "emm→a", "mma→."])
    }

    @Test func sequencesArePaddedWithIgnoredTargets() throws {
        let examples = try SequenceExamples(words: [[3, 1]], blockSize: 4)
        #expect(examples.inputs == [0, 3, 1, 0])
        #expect(examples.targets == [3, 1, 0, -1])
        #expect(throws: MakemoreError.self) { try SequenceExamples(words: [[1, 2, 3, 4]], blockSize: 4) }
    }

    @Test func minibatchesAreSeeded() {
        let examples = WindowExamples(words: [[1, 2, 3], [2, 2]], contextLength: 2)
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9)
        var c1: [Int32] = [], t1: [Int32] = [], c2: [Int32] = [], t2: [Int32] = [], r1: [Int] = [], r2: [Int] = []
        var s1 = BatchSampler(count: examples.count), s2 = BatchSampler(count: examples.count)
        examples.sampleBatch(size: 16, from: &s1, using: &g1, rows: &r1, contexts: &c1, targets: &t1)
        examples.sampleBatch(size: 16, from: &s2, using: &g2, rows: &r2, contexts: &c2, targets: &t2)
        #expect(c1 == c2 && t1 == t2 && c1.count == 32 && t1.count == 16)
        // The batch holds the examples at the rows drawn, in the order drawn.
        var g3 = RandomGenerator(seed: 9), s3 = BatchSampler(count: examples.count)
        let drawn = (0..<16).map { _ in s3.next(using: &g3) }
        #expect(r1 == drawn)
        #expect(t1 == drawn.map { examples.targets[$0] })
        #expect(c1 == drawn.flatMap { examples.contexts[(2 * $0)..<(2 * $0 + 2)] })
    }

    @Test func replacementDrawsAreTheGeneratorsUniformIntegers() {
        var sampler = BatchSampler(count: 7)
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        let drawn = (0..<50).map { _ in sampler.next(using: &g1) }
        #expect(drawn == (0..<50).map { _ in g2.integer(below: 7) })
    }

    @Test func epochsDrawEveryRowOncePerPassInAFreshOrder() {
        var sampler = BatchSampler(count: 10, order: .epochs)
        var generator = RandomGenerator(seed: 5)
        let passes = (0..<4).map { _ in (0..<10).map { _ in sampler.next(using: &generator) } }
        for pass in passes { #expect(pass.sorted() == Array(0..<10)) }
        #expect(Set(passes).count == 4)
        var again = BatchSampler(count: 10, order: .epochs), same = RandomGenerator(seed: 5)
        #expect((0..<40).map { _ in again.next(using: &same) } == passes.flatMap { $0 })
    }

    @Test func sequenceBatchesFollowTheSampler() throws {
        let examples = try SequenceExamples(words: [[1], [2, 3], [4, 5, 6]], blockSize: 4)
        var sampler = BatchSampler(count: examples.count, order: .epochs)
        var generator = RandomGenerator(seed: 1)
        var inputs: [Int32] = [], targets: [Int32] = []
        examples.sampleBatch(size: 30, from: &sampler, using: &generator, inputs: &inputs, targets: &targets)
        let firstTokens = stride(from: 1, to: inputs.count, by: 4).map { inputs[$0] }
        #expect(inputs.count == 120 && targets.count == 120)
        #expect([1, 2, 4].map { token in firstTokens.filter { $0 == token }.count } == [10, 10, 10])
    }
}
