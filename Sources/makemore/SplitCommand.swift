import Foundation
import MakemoreKit

/// `makemore split`: writes the split the stages would use, for reuse here or by other tools.
enum SplitCommand: Subcommand {
    static let name = "split"
    static let summary = "write the train / val / test split as DIR/train.txt, val.txt, test.txt"
    static let options: [Option] = [Option("out", value: "DIR", "directory to write (created if missing)")] + DataOptions.options + [
        Option(flag: "json", "print one JSON object with the split sizes"),
    ]

    struct Options {
        var out: String
        var data: DataOptions
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        guard let directory = arguments.string("out") else { throw UsageError("missing --out DIR") }
        return Options(out: directory, data: try DataOptions(arguments), json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let directory = options.out
        try OutputPath.validateCreatable(directory: directory, name: "out")
        try OutputPath.validate(files: SplitName.allCases.map(\.fileName), in: directory, name: "out", inputs: options.data.files)
        let (split, removed) = try options.data.source.loadCountingDuplicates()
        try split.write(to: directory)
        let sizes = SplitName.allCases.map { ($0.rawValue, JSONValue.integer(split[$0].count)) }
        let overlap = split.overlapWithTrain
        if options.json {
            var members: [(String, JSONValue)] = [("out", .string(directory)), ("split", .object(sizes)),
                                                  ("in_train", .object([("val", .integer(overlap.val)), ("test", .integer(overlap.test))]))]
            if options.data.dedupe { members.append(("duplicates_removed", .integer(removed))) }
            print(JSONValue.object(members).serialized)
        } else {
            print("wrote \(directory)/train.txt (\(split.train.count)), val.txt (\(split.val.count)), test.txt (\(split.test.count))")
            if options.data.dedupe { print("removed \(removed) repeated word\(removed == 1 ? "" : "s") before the split") }
            print("also in train: \(overlap.val) of \(split.val.count) val words, \(overlap.test) of \(split.test.count) test words")
        }
    }
}
