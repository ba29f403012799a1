import Foundation
import MakemoreKit

/// The output paths of a command, checked before any data is loaded so that a run that could
/// not write its result fails at once and writes nothing (exit 64, one line naming the flag).
enum OutputChecks {
    /// Throws `MakemoreError.invalidOutput` for the first `(flag, path)` output that cannot be
    /// written, is one of `inputs`, or names the same file as an earlier output; nil paths
    /// (options not given) are skipped.
    static func check(_ outputs: [(flag: String, path: String?)], inputs: [String]) throws {
        var earlier: [(name: String, path: String)] = []
        for case let (flag, path?) in outputs {
            try OutputPath.validate(path, name: flag, inputs: inputs)
            earlier.append((flag, path))
            try OutputPath.validateDistinct(earlier)
        }
    }

    /// Throws `MakemoreError.invalidOutput` unless the directory `path` (given with `--flag`) exists or can be
    /// created: its nearest existing ancestor must be a writable directory.
    static func checkDirectory(_ flag: String, _ path: String?) throws {
        guard var directory = path else { return }
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            // Not NSString's deletingLastPathComponent, which traps on some one-character names.
            let parent = directory.lastIndex(of: "/").map { String(directory[..<$0]) } ?? ""
            if parent.isEmpty || parent == directory { directory = directory.hasPrefix("/") ? "/" : "."; break }
            directory = parent
        }
        try OutputPath.validateDirectory(directory, for: directory == path ? nil : path, name: flag)
    }

    /// Checks the files `names` would take in the output directory `directory` (given with
    /// `--flag`), when it exists already (a directory still to be created holds no input).
    static func checkFiles(_ flag: String, in directory: String, _ names: [String], inputs: [String]) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        try check(names.map { (flag, (directory as NSString).appendingPathComponent($0)) }, inputs: inputs)
    }

    /// The files `data` reads (the word list, or the split directory's three files) plus `load`.
    static func inputs(_ data: DataOptions, load: String? = nil) -> [String] {
        inputs(input: data.input, splitDirectory: data.splitDirectory) + (load.map { [$0] } ?? [])
    }

    /// The words' files: the split directory's three, else the word list `input` if any.
    static func inputs(input: String?, splitDirectory: String?) -> [String] {
        splitDirectory.map { directory in SplitName.allCases.map { $0.path(in: directory) } } ?? input.map { [$0] } ?? []
    }
}
