import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore split`: writes the split the stages would use, for reuse here or by other tools.
enum SplitCommand: Subcommand {
    static let name = "split"
    static let summary = "write the train / val / test split as DIR/train.txt, val.txt, test.txt"
    static let options: [Option] = [Option("out", value: "DIR", key: "directory", "directory to write (created if missing)")] + DataOptions.options + [
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
        let written = try WrittenSplit(options.data.source, to: options.out)
        print(options.json ? written.json.serialized : written.text)
    }
}
