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
