import Foundation
import Testing
@testable import MakemoreKit

/// What `AtomicFile`, `OutputPath` and `WordList` do with paths that are not plain files.
@Suite struct HostileFileTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func kind(_ path: String, following: Bool = false) -> mode_t {
        var info = stat()
        _ = following ? stat(path, &info) : lstat(path, &info)
        return info.st_mode & S_IFMT
    }

    @Test func aSymbolicLinkKeepsPointingAtTheReplacedFile() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target.txt").path, link = directory.appendingPathComponent("link.txt").path
        try AtomicFile.write("old", to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.txt")
        try AtomicFile.write("new", to: link)
        #expect(Self.kind(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        let dangling = directory.appendingPathComponent("dangling.txt").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "created.txt")
        try AtomicFile.write("made", to: dangling)
        #expect(Self.kind(dangling) == S_IFLNK)
        #expect(try String(contentsOfFile: directory.appendingPathComponent("created.txt").path, encoding: .utf8) == "made")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["created.txt", "dangling.txt", "link.txt", "target.txt"])
    }

    @Test func devicesAndPipesAreWrittenThroughNeverReplaced() throws {
        try AtomicFile.write("discarded", to: "/dev/null")
        #expect(Self.kind("/dev/null") == S_IFCHR)
        #expect(throws: MakemoreError.file(path: "/dev/full", reason: "cannot be written (\(SystemError.text(ENOSPC)))")) { try AtomicFile.write("x", to: "/dev/full") }
        #expect(Self.kind("/dev/full") == S_IFCHR)

        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Thread { _ = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() }
        reader.start()
        try AtomicFile.write("through the pipe", to: fifo)
        #expect(Self.kind(fifo) == S_IFIFO)
    }

    @Test func aDescriptorLinkIsWrittenThroughTheProcesssOwnDescriptor() throws {
        let pipe = Pipe()
        try AtomicFile.write("first\n", to: "/dev/fd/\(pipe.fileHandleForWriting.fileDescriptor)")
        try AtomicFile.write("second\n", to: "/proc/self/fd/\(pipe.fileHandleForWriting.fileDescriptor)")
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "first\nsecond\n")
        #expect(AtomicFile.descriptor(named: "/dev/stdout") == 1 && AtomicFile.descriptor(named: "/dev/stderr") == 2)
        #expect(AtomicFile.descriptor(named: "/dev/null") == nil)
    }

    @Test func aDirectoryOrAMissingDirectoryIsRefusedAndNothingIsLeftBehind() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: MakemoreError.file(path: directory.path, reason: "is a directory")) { try AtomicFile.write("x", to: directory.path) }
        let missing = directory.appendingPathComponent("no/such/dir/out.txt").path
        #expect(throws: MakemoreError.self) { try AtomicFile.write("x", to: missing) }
        #expect(throws: MakemoreError.invalidOutput(name: "output", path: missing, reason: "the directory \(directory.path)/no/such/dir does not exist")) { try OutputPath.validate(missing) }
        #expect(throws: MakemoreError.invalidOutput(name: "output", path: directory.path, reason: "is a directory")) { try OutputPath.validate(directory.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        // Other tests write files in parallel: only this test's directory must have none in flight.
        #expect(!TemporaryFiles.paths.contains { $0.hasPrefix(directory.path + "/") })
    }

    @Test func replacingKeepsThePermissionBits() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("private.txt").path
        try AtomicFile.write("one", to: path)
        #expect(chmod(path, 0o600) == 0)
        try AtomicFile.write("two", to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
    }

    @Test func registeredTemporaryFilesAreRemovedByTheExitCleanup() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(".out.tmp-1").path
        // A registry of its own: the process-wide one holds the files other tests are writing.
        let registry = TemporaryFiles.Registry(installsHandlers: false)
        registry.insert(path)
        #expect(FileManager.default.createFile(atPath: path, contents: Data("half".utf8)))
        registry.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!registry.snapshot().contains(path))
    }

    @Test func anOutputThatIsAnInputIsRefusedThroughLinksToo() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("words.txt").path
        try AtomicFile.write("ann\n", to: input)
        let link = directory.appendingPathComponent("alias.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        #expect(throws: MakemoreError.invalidOutput(name: "output", path: input, reason: "is also an input; write the output elsewhere")) { try OutputPath.validate(input, inputs: [input]) }
        #expect(throws: MakemoreError.invalidOutput(name: "output", path: link, reason: "is the same file as the input \(input); write the output elsewhere")) {
            try OutputPath.validate(link, inputs: [input])
        }
        try OutputPath.validate(directory.appendingPathComponent("model.safetensors").path, inputs: [input])
        try OutputPath.validate("/dev/null", inputs: ["/dev/null"])
    }
}

/// Issue 22's file classes: regular files under /dev, planted links at temporary names,
/// outputs naming one file, writability found by trying.
@Suite struct HostileOutputTests {
    @Test func aRegularFileUnderDevIsReplacedNotAppended() throws {
        var info = stat()
        guard stat("/dev/shm", &info) == 0, access("/dev/shm", W_OK) == 0 else { return }
        let path = "/dev/shm/makemore-\(UUID().uuidString).txt"
        defer { unlink(path) }
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    }

    @Test func aLinkPlantedAtTheOldTemporaryNameIsNeverFollowed() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let victim = directory.appendingPathComponent("victim.txt").path, out = directory.appendingPathComponent("out.txt").path
        try AtomicFile.write("precious", to: victim)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent(".out.txt.tmp-\(getpid())").path, withDestinationPath: victim)
        try AtomicFile.write("result", to: out)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "result")
        // The temporary file is created exclusively: a name already taken is never opened.
        let (first, descriptor) = try AtomicFile.createTemporary(beside: "x", in: directory.path, mode: 0o600, named: "x")
        close(descriptor)
        TemporaryFiles.unregister(first)
        #expect(first.range(of: #"/\.x\.tmp-[0-9a-f]{16}$"#, options: .regularExpression) != nil, "\(first)")
        #expect(open(first, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600) == -1 && errno == EEXIST)
    }

    @Test func twoOutputsNamingOneFileAreRefused() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = directory.appendingPathComponent("a.svg").path
        let link = directory.appendingPathComponent("link.svg").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "a.svg")
        for (first, second) in [(a, a), (a, directory.appendingPathComponent("./a.svg").path), (a, link)] {
            #expect(throws: MakemoreError.invalidOutput(name: "b", path: second, reason: "is also the output \(first); give each output its own file")) {
                try OutputPath.validateDistinct([("a", first), ("b", second)])
            }
        }
        try OutputPath.validateDistinct([("a", a), ("b", directory.appendingPathComponent("b.svg").path), ("c", "/dev/null"), ("d", "/dev/null")])
        // A command's outputs at once: nil ones skipped, each checked, none twice.
        try OutputPath.validate([("a", a), ("b", nil)], inputs: [])
        #expect(throws: MakemoreError.invalidOutput(name: "b", path: a, reason: "is also the output \(a); give each output its own file")) {
            try OutputPath.validate([("a", a), ("b", a)], inputs: [])
        }
    }

    /// An output directory may be created when its nearest existing ancestor is a writable
    /// directory; files it would hold are checked once it exists.
    @Test func outputDirectoriesAndTheirFiles() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputPath.validateCreatable(directory: directory.appendingPathComponent("new/deeper").path, name: "out")
        try OutputPath.validateCreatable(directory: nil, name: "out")
        #expect(throws: MakemoreError.invalidOutput(name: "out", path: "/proc/new", reason: "the directory /proc is not writable")) {
            try OutputPath.validateCreatable(directory: "/proc/new", name: "out")
        }
        let input = directory.appendingPathComponent("train.txt").path
        try AtomicFile.write("ann\n", to: input)
        #expect(throws: MakemoreError.invalidOutput(name: "out", path: input, reason: "is also an input; write the output elsewhere")) {
            try OutputPath.validate(files: ["train.txt"], in: directory.path, name: "out", inputs: [input])
        }
        try OutputPath.validate(files: ["train.txt"], in: directory.appendingPathComponent("missing").path, name: "out", inputs: [input])
        #expect(DatasetSplit.files(input: "a.txt", splitDirectory: nil) == ["a.txt"] && DatasetSplit.files(input: nil, splitDirectory: nil).isEmpty)
        #expect(DatasetSplit.files(input: "a.txt", splitDirectory: "d") == ["d/train.txt", "d/val.txt", "d/test.txt"])
    }

    @Test func writabilityIsFoundByTrying() throws {
        #expect(throws: MakemoreError.invalidOutput(name: "output", path: "/proc/x.svg", reason: "the directory /proc is not writable")) { try OutputPath.validate("/proc/x.svg") }
        #expect(throws: MakemoreError.self) { try OutputPath.validate("/dev/fd/99") }
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OutputPath.validate(directory.appendingPathComponent("ok.txt").path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Logits of 3·10³⁸ (a uniform model) give ln V per token, not 0.
    @Test func hugeLogitsKeepTheirLogSumExp() {
        let v = 27
        let logits = Tensor(shape: [2, v], values: Array(repeating: 3e38, count: v) + (0..<v).map { Float($0) * 1e30 })
        let out = logits.logSoftmax().values
        #expect(out[0..<v].allSatisfy { abs($0 + Float(log(27.0))) < 1e-5 })
        #expect(abs(out[2 * v - 1]) < 1e-6 && out[v] == -logits.values[2 * v - 1])
    }
}

@Suite struct HostileWordListTests {
    @Test func anEndlessStreamStopsAtTheLineLimit() {
        #expect(throws: MakemoreError.file(path: "/dev/zero", reason: "line 1 is longer than \(WordList.maximumLineBytes) bytes (a word has at most \(WordList.maximumWordLength) characters)")) {
            try WordList.load(path: "/dev/zero")
        }
        #expect(throws: MakemoreError.file(path: "", reason: "an empty path is not a word list")) { try WordList.load(path: "") }
    }

    @Test func aFIFOIsReadAndDevNullIsEmpty() throws {
        let directory = try HostileFileTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("words").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread { FileHandle(forWritingAtPath: fifo)?.write(Data("ann\nbob\n".utf8)) }
        writer.start()
        #expect(try WordList.load(path: fifo) == ["ann", "bob"])
        #expect(throws: MakemoreError.file(path: "/dev/null", reason: "is empty")) { try WordList.load(path: "/dev/null") }
        #expect(WordList.displayName("-") == "standard input")
    }

    @Test func innerSpacesStayButTabsAndControlCharactersAreRefusedByLine() throws {
        #expect(try WordList.parse(Data("mary ann\n  jo \n".utf8), name: "w") == ["mary ann", "jo"])
        #expect(throws: MakemoreError.file(path: "w", reason: "line 2 contains a tab inside a word (one word per line; spaces are allowed, tabs and control characters are not)")) {
            try WordList.parse(Data("ann\nemma\t12\n".utf8), name: "w")
        }
        #expect(throws: MakemoreError.file(path: "w", reason: "line 1 contains the control character U+0007 inside a word (one word per line; spaces are allowed, tabs and control characters are not)")) {
            try WordList.parse(Data("a\u{07}b\n".utf8), name: "w")
        }
    }

    @Test func wordsLongerThanTheLimitAreRefusedByLine() throws {
        let limit = WordList.maximumWordLength
        let longest = String(repeating: "a", count: limit)
        #expect(try WordList.parse(Data((longest + "\n").utf8), name: "w") == [longest])
        #expect(throws: MakemoreError.file(path: "w", reason: "line 3 is a word of \(limit + 1) characters; the limit is \(limit)")) {
            try WordList.parse(Data(("a\n\n" + longest + "b\n").utf8), name: "w")
        }
    }

    @Test func tooFewWordsNamesTheList() {
        #expect(throws: MakemoreError.file(path: "tiny.txt", reason: "too few words to train on: 1 word leaves the training split empty with val 0.1 and test 0.1")) {
            try DatasetSplit(shuffling: ["ann"], seed: 1, valFraction: 0.1, testFraction: 0.1, source: "tiny.txt")
        }
    }
}
