import MakemoreKit

/// `makemore split`: writes the split the stages would use, for reuse here or by other tools.
enum SplitCommand: Subcommand {
    static let name = "split"
    static let summary = "write the train / val / test split as DIR/train.txt, val.txt, test.txt"
    static let options: [Option] = [Option("out", value: "DIR", "directory to write (created if missing)")] + StageOptions.data + [
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
