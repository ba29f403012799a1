import CommandLineOptions
import MakemoreKit

/// How the CLI reports a library error, by its case: a value or output the command line gave
/// is a usage error (exit 64), anything else a runtime error (exit 1); a value's name becomes
/// the flag that sets it (`learning_rate` → `--lr`), found in the command's option table.
struct ErrorReport {
    let options: [Option]

    /// Whether `error` is a usage error.
    static func isUsage(_ error: MakemoreError) -> Bool {
        switch error {
        case .invalidValue, .outsideVocabulary, .invalidOutput, .conflict, .needs, .unknownSetting, .unknownStage, .wordsDoNotFit, .presetConflict: true
        default: false
        }
    }

    /// Why an output is needed, said after the flag that needs it, by the output's name.
    static let purposes = ["checkpoint": " to keep the state --resume continues from",
                           "checkpoints": ": each stage's checkpoint goes to DIR/<stage>.safetensors"]

    /// The flag (`--lr`), or the positional's name (`WORD…`), that sets the value `name`.
    func flag(for name: String) -> String? {
        if let option = options.first(where: { $0.sets(name) }) { return "--" + option.name }
        return options.first { $0.name.isEmpty && $0.value?.lowercased().hasPrefix(name) == true }?.value
    }

    /// One line for `error`; `inFile`: it describes a file's content, whose values are named
    /// as stored, with their flag in parentheses.
    func line(_ error: MakemoreError, inFile: Bool = false) -> String {
        switch error {
        case .invalidValue(let name, let rule, let value):
            guard let flag = flag(for: name) else { return error.description }
            return inFile ? "\(name) (\(flag)) must be \(rule), got \(value)" : "option '\(flag)' must be \(rule), got \(value)"
        case .outsideVocabulary(let name, let text, let character):
            return "\(inFile ? name : flag(for: name) ?? name) '\(text)' contains '\(character)', which is not in the vocabulary"
        case .invalidOutput(let name, _, _):
            return (flag(for: name).map { "\($0): " } ?? "") + error.description
        case .conflict(let conflict):
            return line(conflict)
        case .needs(let name, let needed):
            let option = options.first { $0.sets(needed) }
            return "\(flag(for: name) ?? name) needs " + (option.map { "--\($0.name) \($0.value ?? "")" } ?? needed) + (Self.purposes[needed] ?? "")
        case .lacking(let name, let model, let part, let needs):
            return (needs.map { "\(flag(for: name) ?? name) needs \($0); " } ?? "") + "the \(model) model has no \(part)"
        case .unknownSetting(let path, let stage, let name):
            return "\(path): makemore \(stage) has no option --\(name)"
        case .unknownStage(let name, let known):
            let hint = Spelling.suggestion(for: name, among: known).map { "did you mean '\($0)'? " } ?? ""
            return "unknown stage '\(name)' in \(flag(for: "stages") ?? "stages") (\(hint)known: \(known.joined(separator: ", ")))"
        case .wordsDoNotFit(let blockSize, let longest):
            return "\(flag(for: "block_size") ?? "block_size") \(blockSize) is too small: the longest word has \(longest) characters (needs \(longest + 1))"
        case .presetConflict(let preset, let name, let value):
            let setting = flag(for: name) ?? name, given = "\(flag(for: "preset") ?? "preset") \(preset)"
            return value.map { "\(given) fixes \(setting) (\($0)); drop one of them" } ?? "\(given) has no \(setting)"
        case .inFile(let path, let inner):
            return "\(path): \(line(inner, inFile: true))"
        default:
            return error.description
        }
    }

    /// One line for `conflict`, naming the flags.
    func line(_ conflict: MakemoreError.Conflict) -> String {
        let (input, directory) = (flag(for: "input") ?? "input", flag(for: "split_directory") ?? "split directory")
        switch conflict {
        case .both(let name, let other): return "give either \(flag(for: name) ?? name) or \(flag(for: other) ?? other), not both"
        case .noTrainingWords(let val, let test): return "--val-fraction + --test-fraction must be below 1 (got \(val + test))"
        case .dedupeOfDirectory: return "--dedupe applies to \(input), not to a \(directory) used as-is"
        case .dedupeWithoutWordList: return "--dedupe applies to \(input) (a checkpoint's recorded split already says whether it was deduplicated)"
        case .encodingWithoutWords(let encoding):
            return "--encoding \(encoding.rawValue) applies to \(input) or \(directory) (a checkpoint's recorded split keeps its own encoding)"
        }
    }
}

extension StageRun.ResumeConflict {
    /// The line naming the flag: `--lr: a resumed run keeps …`.
    var line: String {
        switch self {
        case .settingGiven(let name, _): "--\(name): a resumed run keeps the settings it was started with; only --steps and --stop-at apply"
        case .tooFewSteps(let steps, let path, let trained): "--steps \(steps): \(path) was already trained \(trained) steps; ask for more to resume it"
        case .stopsTooEarly(let stopAt, let path, let trained): "--stop-at \(stopAt): \(path) was already trained \(trained) steps; stop later to resume it"
        }
    }
}

extension StageRun.StartConflict {
    /// The line naming the flag: `--lr: --load only evaluates …`.
    func line(_ report: ErrorReport) -> String {
        switch self {
        case .trainingALoadedFile(let name, _):
            "\(report.flag(for: name) ?? name): --load only evaluates and samples a checkpoint; to train it further, use --resume FILE (with --steps N in total)"
        case .changingAResumedModel(let name, let path):
            "\(report.flag(for: name) ?? name): \(path) is resumed with the model and threads it was started with; only --steps and --stop-at apply"
        }
    }
}
