import Testing
@testable import CommandLineOptions

/// Every parsing rule of the command line and the exact line each mistake is reported with.
@Suite struct ParsedArgumentsTests {
    /// A limit as a program declares one: whole numbers or reals in a range, its own error.
    struct RangeLimit: DeclaredLimit, Error, Equatable {
        let name: String
        let whole: ClosedRange<Int>?
        let real: ClosedRange<Double>?
        func check(whole value: Int) throws -> Int {
            guard let whole, !whole.contains(value) else { return value }
            throw self
        }
        func check(real value: Double) throws -> Double {
            guard let real, !real.contains(value) else { return value }
            throw self
        }
    }

    static let steps = RangeLimit(name: "max_steps", whole: 1...1000, real: nil)
    static let rate = RangeLimit(name: "learning_rate", whole: nil, real: 0...1)
    static let options = [
        Option("steps", value: "N", limit: steps, default: "10", "optimisation steps"),
        Option("lr", value: "RATE", limit: rate, "learning rate"),
        Option("count", value: "N", "how many"),
        Option("seed", value: "S", "random seed"),
        Option("input", value: "FILE", "the words"),
        Option("out", value: "DIR", "a directory"),
        Option("optimizer", value: "NAME", "sgd | adam"),
        Option(flag: "json", "print JSON"),
        Option(flag: "quiet", "say less"),
    ]

    enum Optimizer: String, CaseIterable { case sgd, adam }

    static func parse(_ arguments: [String], options: [Option] = options) throws -> ParsedArguments {
        try ParsedArguments(arguments: arguments, options: options)
    }

    /// The message of the usage error parsing `arguments` throws, or of `read` on the result.
    static func message(_ arguments: [String], options: [Option] = options, read: (ParsedArguments) throws -> Void = { _ in }) -> String? {
        do {
            try read(parse(arguments, options: options))
            return nil
        } catch let error as UsageError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func valuesFlagsAndTheEqualsForm() throws {
        let parsed = try Self.parse(["--steps", "5", "--json", "--count=7", "--input=a.txt"])
        #expect(try parsed.int("steps") == 5 && parsed.flag("json") && !parsed.flag("quiet"))
        #expect(try parsed.int("count") == 7 && parsed.string("input") == "a.txt")
        #expect(parsed.given("steps") && parsed.given("json") && !parsed.given("lr"))
        #expect(try parsed.int("lr") == nil && parsed.string("seed") == nil && parsed.strings("seed").isEmpty)
        // An option's value may start with one dash (a negative number) or be a lone `-`.
        #expect(try Self.parse(["--count", "-3", "--input", "-"]).int("count") == -3)
    }

    @Test func unknownOptionsAreNamedWithASuggestionWhenOneIsClose() {
        #expect(Self.message(["--step", "3"]) == "unknown option '--step'; did you mean '--steps'?")
        #expect(Self.message(["--optimiser", "sgd"]) == "unknown option '--optimiser'; did you mean '--optimizer'?")
        #expect(Self.message(["--banana", "3"]) == "unknown option '--banana'")
        #expect(Self.message(["--=3"]) == "unknown option '--'")
        #expect(Self.message(["--help"]) == "unknown option '--help'")  // the tool answers --help before parsing
    }

    @Test func aMissingOrEmptyOrOptionLikeValue() {
        #expect(Self.message(["--steps"]) == "option '--steps' needs a value (N)")
        #expect(Self.message(["--input", ""]) == "option '--input' needs a value (FILE), got an empty string")
        #expect(Self.message(["--out="]) == "option '--out' needs a value (DIR), got an empty string")
        #expect(Self.message(["--input", "--quiet"])
            == "option '--input' needs a value (FILE), got the option '--quiet'; write ./--quiet for a file of that name")
        #expect(Self.message(["--count", "--json"]) == "option '--count' needs a value (N), got the option '--json'; write ./--json for a file of that name")
        // An empty value of an option that names no file or directory is the option's reader's to judge.
        #expect(Self.message(["--count", ""], read: { _ = try $0.int("count") }) == "option '--count' expects a whole number, got ''")
        #expect(Self.message(["--json=1"]) == "option '--json' takes no value")
    }

    @Test func wordsThatAreNotOptions() throws {
        #expect(Self.message(["stray"]) == "unexpected argument 'stray'")
        #expect(Self.message(["--"]) == "unexpected argument '--'")
        let options = Self.options + [Option(positional: "WORD…", "words to score")]
        let parsed = try Self.parse(["abc", "--json", "de", "--", "-x"], options: options)
        #expect(parsed.positionals == ["abc", "de", "--", "-x"] && parsed.flag("json"))
    }

    @Test func aRepeatedOptionKeepsEveryValueAndTheLastWins() throws {
        let parsed = try Self.parse(["--input", "a.txt", "--json", "--input=b.txt", "--json", "--input", "c.txt"])
        #expect(parsed.strings("input") == ["a.txt", "b.txt", "c.txt"] && parsed.string("input") == "c.txt" && parsed.flag("json"))
    }

    @Test func wholeNumbers() throws {
        #expect(try Self.parse(["--count", "1_000_000"]).int("count") == 1_000_000)
        #expect(try Self.parse(["--count", "+4"]).int("count") == 4)
        #expect(try Self.parse(["--count", "12"]).int("count", in: 1...12) == 12)
        #expect(Self.message(["--count", "x"], read: { _ = try $0.int("count") }) == "option '--count' expects a whole number, got 'x'")
        #expect(Self.message(["--count", "1.5"], read: { _ = try $0.int("count") }) == "option '--count' expects a whole number, got '1.5'")
        #expect(Self.message(["--count", "99999999999999999999"], read: { _ = try $0.int("count") })
            == "option '--count' is too large, got '99999999999999999999'")
        #expect(Self.message(["--count", "-99_999_999_999_999_999_999"], read: { _ = try $0.int("count", in: 0...100) })
            == "option '--count' is too large, got '-99_999_999_999_999_999_999' (at most 100)")
        #expect(Self.message(["--count", "0"], read: { _ = try $0.int("count", in: 1...64) }) == "option '--count' must be in 1...64, got 0")
        #expect(Self.message(["--count", "0"], read: { _ = try $0.int("count", in: 1...Int.max) }) == "option '--count' must be 1 or more, got 0")
    }

    @Test func aDeclaredLimitChecksTheNumberAndThrowsItsOwnError() throws {
        #expect(try Self.parse(["--steps", "1000"]).int("steps") == 1000)
        #expect(throws: Self.steps) { try Self.parse(["--steps", "0"]).int("steps") }
        #expect(try Self.parse(["--lr", "0.5"]).double("lr") == 0.5)
        #expect(throws: Self.rate) { try Self.parse(["--lr", "1.5"]).double("lr") }
        // A limit of whole numbers lets a real through, and a limit of reals a whole number.
        #expect(try Self.parse(["--steps", "0.5"]).double("steps") == 0.5)
        #expect(try Self.parse(["--lr", "7"]).int("lr") == 7)
        // The text is read before the limit is asked.
        #expect(Self.message(["--steps", "ten"], read: { _ = try $0.int("steps") }) == "option '--steps' expects a whole number, got 'ten'")
    }

    @Test func realNumbersAreFinite() throws {
        #expect(try Self.parse(["--lr", "1e-3"]).double("lr") == 0.001)
        #expect(try Self.parse(["--lr", "0.25"]).float("lr") == Float(0.25))
        for text in ["nan", "inf", "-inf", "1e400", "x", ""] {
            #expect(Self.message(["--count", text], read: { _ = try $0.double("count") }) == "option '--count' expects a number, got '\(text)'")
        }
        #expect(Self.message(["--count", "2"], read: { _ = try $0.double("count", in: 0...1) }) == "option '--count' must be in [0.0, 1.0], got 2")
    }

    @Test func seedsAreAnyNonNegative64BitNumber() throws {
        #expect(try Self.parse(["--seed", "18446744073709551615"]).seed("seed") == UInt64.max)
        #expect(try Self.parse(["--seed", "0"]).seed("seed") == 0)
        #expect(Self.message(["--seed", "18446744073709551616"], read: { _ = try $0.seed("seed") })
            == "option '--seed' is too large (at most 18446744073709551615), got '18446744073709551616'")
        for text in ["-1", "x", "1_000", ""] {
            #expect(Self.message(["--seed", text], read: { _ = try $0.seed("seed") }) == "option '--seed' expects a non-negative whole number, got '\(text)'")
        }
    }

    @Test func choices() throws {
        #expect(try Self.parse(["--optimizer", "adam"]).choice("optimizer", ["sgd", "adam"]) == "adam")
        #expect(try Self.parse(["--optimizer", "adam"]).choice("optimizer", Optimizer.self) == .adam)
        #expect(try Self.parse([]).choice("optimizer", Optimizer.self) == nil)
        #expect(Self.message(["--optimizer", "Adam"], read: { _ = try $0.choice("optimizer", Optimizer.self) })
            == "option '--optimizer' must be one of sgd, adam, got 'Adam'")
    }

    @Test func anOptionSetsTheValuesItsLimitKeysOrNameSay() {
        #expect(Self.options[0].sets("max_steps") && Self.options[0].sets("steps") && !Self.options[0].sets("learning_rate"))
        let save = Option("save", value: "FILE", key: "checkpoint", "save the model")
        #expect(save.sets("checkpoint") && save.sets("save"))
        #expect(Option("top-k", value: "K", "sample from the K likeliest").sets("top_k"))
        #expect(!Option(positional: "WORD…", "words").sets(""))
    }
}
