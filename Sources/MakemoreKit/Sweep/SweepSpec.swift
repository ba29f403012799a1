import Foundation

/// A hyperparameter search over one stage's command-line flags, read from a small JSON file:
///
/// ```json
/// {"stage": "mlp", "search": "random", "trials": 8, "seed": 1,
///  "fixed": {"steps": 2000},
///  "flags": {"lr": {"min": 0.01, "max": 0.5, "log": true}, "hidden": [100, 200, 300], "batch-norm": [true, false]}}
/// ```
///
/// `grid` (the default) runs every combination of the `flags`' value lists, in order (the last
/// flag varies fastest); `random` draws `trials` settings with a generator seeded by `seed`,
/// each flag from its list (uniformly) or its range (`min`…`max`, uniform or log-uniform,
/// `integer` rounds). A value `true` gives the flag alone, `false` leaves it out. The file is
/// untrusted: at most 1 MiB, known keys only, flag names in kebab-case, no flag that names an
/// output, an input from standard input or what the sweep sets itself.
package struct SweepSpec: Equatable, Sendable {
    /// A swept flag: a list of values or a numeric range.
    package enum Domain: Equatable, Sendable {
        case values([JSONValue])
        case range(min: Double, max: Double, log: Bool, integer: Bool)
    }

    package var stage: String
    package var random: Bool
    package var trials: Int?
    package var seed: UInt64
    package var fixed: [(String, JSONValue)]
    package var flags: [(String, Domain)]

    /// The largest spec file read, and the most trials a spec may ask for.
    package static let maximumBytes = 1 << 20
    package static let maximumTrials = 100_000
    /// Flags a spec may not set: outputs, what the sweep sets itself, and what would make a
    /// trial differ from the same command run alone.
    package static let forbiddenFlags: Set<String> = ["save", "load", "resume", "log", "plot-loss", "plot-embedding", "plot-diagnostics",
                                                     "tensorboard", "json", "quiet", "save-every", "stop-at", "sample-every", "help"]

    package static func == (a: SweepSpec, b: SweepSpec) -> Bool { a.canonical == b.canonical }

    /// Reads and checks the spec at `path`; errors name the file and what is wrong.
    package init(path: String, stages: [String]) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw MakemoreError.file(path: path, reason: "no such file") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw MakemoreError.file(path: path, reason: "is not a regular file") }
        guard Int(info.st_size) <= SweepSpec.maximumBytes else {
            throw MakemoreError.file(path: path, reason: "is larger than 1 MiB, the most a sweep spec may hold")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw MakemoreError.file(path: path, reason: "cannot be read") }
        do {
            try self.init(json: try JSONParser.parse([UInt8](data.prefix(SweepSpec.maximumBytes))), stages: stages)
        } catch let error as JSONParseError {
            throw MakemoreError.file(path: path, reason: "is not valid JSON (\(error))")
        } catch let error as SpecError {
            throw MakemoreError.file(path: path, reason: error.reason)
        }
    }

    private struct SpecError: Error { let reason: String }

    /// The spec in `json`; `stages` are the stage names a spec may name.
    init(json: JSONValue, stages: [String]) throws {
        func fail(_ reason: String) -> SpecError { SpecError(reason: reason) }
        guard let members = json.objectValue else { throw fail("must be a JSON object") }
        let known: Set = ["stage", "search", "trials", "seed", "fixed", "flags"]
        if let unknown = members.first(where: { !known.contains($0.0) }) {
            throw fail("unknown key '\(unknown.0)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let stage = json["stage"]?.stringValue, stages.contains(stage) else {
            throw fail("'stage' must be one of \(stages.joined(separator: ", "))")
        }
        self.stage = stage
        switch json["search"]?.stringValue ?? (json["search"] == nil ? "grid" : nil) {
        case "grid": random = false
        case "random": random = true
        default: throw fail("'search' must be \"grid\" or \"random\"")
        }
        if let trials = json["trials"] {
            guard let count = trials.intValue, (1...SweepSpec.maximumTrials).contains(count) else {
                throw fail("'trials' must be a whole number in 1...\(SweepSpec.maximumTrials)")
            }
            self.trials = count
        } else if random {
            throw fail("a random search needs 'trials'")
        }
        if let seed = json["seed"] {
            guard let value = seed.intValue, value >= 0 else { throw fail("'seed' must be a whole number ≥ 0") }
            self.seed = UInt64(value)
        } else {
            seed = 0
        }
        func checkFlag(_ name: String) throws {
            guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
                  name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }), name.count <= 64
            else { throw fail("'\(name)' is not a flag name (kebab-case, without the leading --)") }
            guard !SweepSpec.forbiddenFlags.contains(name) else { throw fail("'\(name)' cannot be set by a sweep (an output, or set by the sweep itself)") }
        }
        func checkValue(_ name: String, _ value: JSONValue) throws {
            switch value {
            case .string(let text):
                guard !text.isEmpty, text.count <= 4096, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw fail("the value of '\(name)' must be a non-empty line of text")
                }
                if name == "input" && text == WordList.standardInput { throw fail("'input' cannot be standard input: every trial reads it again") }
            case .integer, .bool: break
            case .number(let number): guard number.isFinite else { throw fail("the value of '\(name)' must be finite") }
            default: throw fail("the value of '\(name)' must be a string, a number or a boolean")
            }
        }
        guard let fixed = (json["fixed"] ?? .object([])).objectValue else { throw fail("'fixed' must be an object of flag: value") }
        for (name, value) in fixed {
            try checkFlag(name)
            try checkValue(name, value)
        }
        self.fixed = fixed
        guard let flags = json["flags"]?.objectValue, !flags.isEmpty else { throw fail("'flags' must be a non-empty object of flag: values or range") }
        self.flags = try flags.map { name, domain in
            try checkFlag(name)
            if fixed.contains(where: { $0.0 == name }) { throw fail("'\(name)' is both fixed and swept") }
            if let values = domain.arrayValue {
                guard !values.isEmpty, values.count <= SweepSpec.maximumTrials else { throw fail("'\(name)' needs 1 to \(SweepSpec.maximumTrials) values") }
                try values.forEach { try checkValue(name, $0) }
                return (name, .values(values))
            }
            guard domain.objectValue != nil, let low = domain["min"]?.doubleValue, let high = domain["max"]?.doubleValue,
                  low.isFinite, high.isFinite, low <= high
            else { throw fail("'\(name)' must be a list of values or {\"min\": a, \"max\": b} with a ≤ b") }
            if let extra = domain.objectValue?.first(where: { !["min", "max", "log", "integer"].contains($0.0) }) {
                throw fail("'\(name)': unknown range key '\(extra.0)' (known: min, max, log, integer)")
            }
            let log = domain["log"] == .bool(true), integer = domain["integer"] == .bool(true)
            if log && low <= 0 { throw fail("'\(name)': a log range needs min > 0") }
            return (name, .range(min: low, max: high, log: log, integer: integer))
        }
        if !random {
            guard !self.flags.contains(where: { if case .range = $0.1 { true } else { false } }) else {
                throw fail("a grid search needs a list of values for every flag (ranges are for \"search\": \"random\")")
            }
            let count = self.flags.reduce(1.0) { total, flag in
                if case .values(let values) = flag.1 { return total * Double(values.count) }
                return total
            }
            guard count <= Double(SweepSpec.maximumTrials) else { throw fail("the grid has \(Int(count)) trials; the most is \(SweepSpec.maximumTrials)") }
        }
    }

    /// The spec as canonical JSON (what a results directory records, to refuse another spec).
    package var canonical: JSONValue {
        var members: [(String, JSONValue)] = [("stage", .string(stage)), ("search", .string(random ? "random" : "grid"))]
        if let trials { members.append(("trials", .integer(trials))) }
        members += [("seed", .integer(Int(seed))), ("fixed", .object(fixed))]
        members.append(("flags", .object(flags.map { name, domain in
            switch domain {
            case .values(let values): return (name, .array(values))
            case .range(let low, let high, let log, let integer):
                return (name, .object([("min", .number(low)), ("max", .number(high)), ("log", .bool(log)), ("integer", .bool(integer))]))
            }
        })))
        return .object(members)
    }

    /// Every trial of the search, in order: a grid's combinations (up to `trials`, if given),
    /// or `trials` random draws.
    package var allTrials: [SweepTrial] {
        var settings: [[(String, JSONValue)]] = []
        if random {
            var generator = RandomGenerator(seed: seed)
            for _ in 0..<(trials ?? 0) {
                settings.append(flags.map { name, domain in
                    switch domain {
                    case .values(let values): return (name, values[generator.integer(below: values.count)])
                    case .range(let low, let high, let log, let integer):
                        let u = generator.uniform()
                        let x = log ? Foundation.exp(Foundation.log(low) + u * (Foundation.log(high) - Foundation.log(low))) : low + u * (high - low)
                        return (name, integer ? .integer(Int(x.rounded())) : .number(x))
                    }
                })
            }
        } else {
            settings = [[]]
            for (name, domain) in flags {
                guard case .values(let values) = domain else { continue }
                settings = settings.flatMap { prefix in values.map { prefix + [(name, $0)] } }
            }
            if let trials { settings = Array(settings.prefix(trials)) }
        }
        return settings.enumerated().map { SweepTrial(index: $0.offset, stage: stage, fixed: fixed, swept: $0.element) }
    }
}

/// One trial of a sweep: its index in the spec's order, and the stage command it runs.
package struct SweepTrial: Sendable {
    package let index: Int
    package let stage: String
    package let fixed: [(String, JSONValue)]
    /// The swept flags' values of this trial.
    package let swept: [(String, JSONValue)]

    /// The command-line arguments after `makemore`: the stage, the fixed flags, the swept ones,
    /// then `extra` (e.g. the sweep's `--threads`).
    package func arguments(extra: [String] = []) -> [String] {
        var arguments = [stage]
        for (name, value) in fixed + swept {
            switch value {
            case .bool(true): arguments.append("--\(name)")
            case .bool(false): break
            case .string(let text): arguments += ["--\(name)", text]
            default: arguments += ["--\(name)", value.serialized]
            }
        }
        return arguments + extra
    }

    /// The swept values as a JSON object.
    package var settings: JSONValue { .object(swept) }
}
