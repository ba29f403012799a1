// A comparison's own settings, declared once over `Comparison` beside its `Limits`: how the
// stages train, what the comparison reports, writes and shows. The command line's `compare`
// derives their `--help` rows and their reading from these (its `--stages` list and the split's
// settings aside).

extension Comparison {
    /// The settings, in the order `compare --help` lists them after `--stages`.
    package static let settings: [Setting<Comparison>] = [
        Setting(flag: "full", \.full, sets: true, "train every stage with its full defaults instead of the modest budget"),
        Setting(flag: "ensemble", \.ensemble, sets: true, "add a row: the mixture of the stages run, weights fitted on the val split by EM"),
        Setting("samples", placeholder: "N", limit: Limits.samples, default: { String($0.samples) }, "samples shown per stage") { values, c in
            if let count = try values.int("samples", in: Limits.samples.range) { c.samples = count }
        },
        // One directory holds the result's files and, with --save-every, each stage's checkpoint.
        Setting("out", placeholder: "DIR", keys: ["results", "checkpoints"], default: { _ in nil }, "write compare.md, compare.json and val_nll.svg into DIR") { values, c in
            if let directory = values.string("out") { (c.results, c.checkpoints) = (directory, directory) }
        },
        Setting("threads", placeholder: "N", limit: TrainingConfiguration.Limits.threads, default: { $0.cores.map(String.init) ?? "one per core" },
                "model copies of the stages whose default is one per core (gru, lstm, transformer): their numbers depend on it") { values, c in
            if let cores = try values.int("threads") { c.cores = cores }
        },
        Setting("save-every", placeholder: "N", limit: Limits.saveEvery, default: { _ in nil },
                "with --out: every N steps write each stage's checkpoint DIR/<stage>.safetensors (the best so far; --resume continues it)") { values, c in
            if let every = try values.int("save-every", in: Limits.saveEvery.range) { c.saveEvery = every }
        },
        Setting("tensorboard", placeholder: "DIR", default: { _ in nil }, "TensorBoard event files while training, one run per stage in DIR/<stage>/") { values, c in
            if let directory = values.string("tensorboard") { c.tensorboard = directory }
        },
        Setting(display: "json", "print one JSON object"),
        Setting(display: "quiet", "no progress on stderr"),
    ]
}
