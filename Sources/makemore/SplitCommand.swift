import MakemoreKit

/// `makemore split`: writes the split the stages would use, for reuse here or by other tools.
enum SplitCommand: Subcommand {
    static let name = "split"
    static let summary = "write the train / val / test split as DIR/train.txt, val.txt, test.txt"
    static let options: [Option] = [
        Option("out", value: "DIR", "directory to write (created if missing)"),
        Option("input", value: "FILE", default: "names.txt", "word list, UTF-8, one word per line"),
        Option("seed", value: "N", default: "42", "seed of the shuffle"),
        Option("val-fraction", value: "F", default: "0.1", "share of words held out for validation"),
        Option("test-fraction", value: "F", default: "0.1", "share of words held out for test"),
        Option(flag: "json", "print one JSON object with the split sizes"),
    ]

    static func run(_ arguments: ParsedArguments) throws {
        guard let directory = arguments.string("out") else { throw UsageError("missing --out DIR") }
        let split = try StageOptions.split(arguments)
        try split.write(to: directory)
        let sizes = SplitName.allCases.map { ($0.rawValue, JSONValue.integer(split[$0].count)) }
        if arguments.flag("json") {
            print(JSONValue.object([("out", .string(directory)), ("split", .object(sizes))]).serialized)
        } else {
            print("wrote \(directory)/train.txt (\(split.train.count)), val.txt (\(split.val.count)), test.txt (\(split.test.count))")
        }
    }
}
