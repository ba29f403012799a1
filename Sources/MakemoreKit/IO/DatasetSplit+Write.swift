import Foundation

/// Saving a split as three word lists, so the data layer itself writes no files.
extension DatasetSplit {
    /// Writes the three parts as `train.txt`, `val.txt`, `test.txt` (one word per line) into
    /// `directory`, creating it if needed; each file is written atomically.
    package func write(to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MakemoreError.file(path: directory, reason: "cannot create directory")
        }
        for name in SplitName.allCases {
            let words = self[name]
            let text = words.isEmpty ? "" : words.joined(separator: "\n") + "\n"
            try AtomicFile.write(Data(text.utf8), to: name.path(in: directory))
        }
    }
}

/// What `makemore split` does, callable from a program: the split a record asks for, written
/// into a directory as `train.txt`, `val.txt` and `test.txt`, and what was written.
package struct WrittenSplit {
    /// Where the three files went.
    package let directory: String
    package let split: DatasetSplit
    /// The repeated words removed before the split, when the record asks for deduplication.
    package let duplicatesRemoved: Int?

    /// Reads the split `record` asks for and writes it into `directory` (created if missing).
    /// Throws `MakemoreError.invalidOutput` (named `directory`), before reading any word, for a
    /// directory that cannot be created or whose files would replace the words read.
    package init(_ record: SplitRecord, to directory: String) throws {
        try OutputPath.validateCreatable(directory: directory, name: "directory")
        try OutputPath.validate(files: SplitName.allCases.map(\.fileName), in: directory, name: "directory", inputs: record.files)
        let (split, removed) = try record.loadCountingDuplicates()
        try split.write(to: directory)
        self.directory = directory
        self.split = split
        duplicatesRemoved = record.dedupe == true ? removed : nil
    }

    /// `out`, the sizes of the three parts, how many val and test words are also in train, and
    /// `duplicates_removed` when deduplicated.
    package var json: JSONValue {
        let overlap = split.overlapWithTrain
        return .object([("out", .string(directory)), ("split", .object(SplitName.allCases.map { ($0.rawValue, JSONValue.integer(split[$0].count)) })),
                        ("in_train", .object([("val", .integer(overlap.val)), ("test", .integer(overlap.test))]))]
                       + (duplicatesRemoved.map { [("duplicates_removed", .integer($0))] } ?? []))
    }

    /// The files written with their sizes, the repeated words removed, and how many val and
    /// test words are also in train.
    package var text: String {
        let overlap = split.overlapWithTrain
        return (["wrote \(directory)/train.txt (\(split.train.count)), val.txt (\(split.val.count)), test.txt (\(split.test.count))"]
            + (duplicatesRemoved.map { ["removed \($0) repeated word\($0 == 1 ? "" : "s") before the split"] } ?? [])
            + ["also in train: \(overlap.val) of \(split.val.count) val words, \(overlap.test) of \(split.test.count) test words"]).joined(separator: "\n")
    }
}
