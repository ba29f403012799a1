import Foundation
import Testing

/// The library's folders form one stack and each names only types of the folders below it:
///
///     Tensor → Data → Autograd → Layers → Evaluation → Models → Files → Training → Micrograd → IO → Stages → Sweep
///
/// The kernels sit below all of them in a module of their own (`MakemoreKernels`, which the
/// compiler keeps from naming anything of MakemoreKit). Tensor (storage) and Data (words, vocabulary, splits, examples, the generator)
/// depend on nothing; Evaluation (the `LanguageModel` protocol, evaluator and sampler) sits
/// below the models that conform to it; Files (atomic writes, JSON, SVG charts, safetensors,
/// zip and pickle) sits above Models so that no model knows a file format — models hand their
/// state over as `StateTensor` values; IO (checkpoints, imported models, embeddings of a file)
/// joins models and files; Stages run the whole pipeline; Sweep runs many stage commands. Checked on the source text: each
/// folder's code (comments and string literals removed) is searched for every top-level type that
/// the folders above it declare.
@Suite struct LayeringTests {
    static let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/MakemoreKit")

    /// The folders of Sources/MakemoreKit, lowest first.
    static let order = ["Tensor", "Data", "Autograd", "Layers", "Evaluation", "Models", "Files", "Training", "Micrograd", "IO", "Stages", "Sweep"]

    /// The Swift files of Sources/MakemoreKit by top-level folder, as text.
    static func sources() throws -> [String: [(name: String, text: String)]] {
        let enumerator = try #require(FileManager.default.enumerator(at: library, includingPropertiesForKeys: nil))
        var byFolder: [String: [(name: String, text: String)]] = [:]
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let folder = url.path.dropFirst(library.path.count + 1).split(separator: "/")[0]
            byFolder[String(folder), default: []].append((url.lastPathComponent, try String(contentsOf: url, encoding: .utf8)))
        }
        return byFolder
    }

    /// The types `text` declares at the top level and other files can see (`struct`, `class`,
    /// `enum`, `protocol`, `typealias` or `actor` at the start of a line, after attributes and
    /// modifiers other than `private` and `fileprivate`).
    static func declaredTypes(_ text: String) -> [String] {
        let modifiers: Set<Substring> = ["public", "package", "internal", "final", "indirect"]
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "actor"]
        return text.split(separator: "\n").compactMap { line in
            guard let first = line.first, !first.isWhitespace else { return nil }
            let words = line.split(separator: " ").drop { $0.hasPrefix("@") || modifiers.contains($0) }
            guard let kind = words.first, kinds.contains(kind), let name = words.dropFirst().first else { return nil }
            return String(name.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
    }

    /// The identifiers of `text` outside comments and string literals.
    static func identifiers(_ text: String) -> Set<String> {
        var result = Set<String>(), word = "", inString = false, previous: Character = " "
        for line in text.split(separator: "\n") {
            for character in line.components(separatedBy: "//")[0] {
                if character == "\"" && previous != "\\" { inString.toggle() }
                if !inString && (character.isLetter || character.isNumber || character == "_") {
                    word.append(character)
                } else if !word.isEmpty {
                    result.insert(word)
                    word = ""
                }
                previous = character
            }
            if !word.isEmpty { result.insert(word); word = "" }
            inString = false
        }
        return result
    }

    /// "file: Type (folder)" for every type of `foreignTypes` (type → its folder) the files name.
    static func violations(_ files: [(name: String, text: String)], foreignTypes: [String: String]) -> [String] {
        files.flatMap { file in
            identifiers(file.text).compactMap { type in foreignTypes[type].map { "\(file.name): \(type) (\($0))" } }.sorted()
        }
    }

    @Test func findsDeclarationsAndUses() {
        let text = "/// Uses RandomGenerator in a comment.\npublic struct Mask: Sendable {\n    struct Inner {}\n}\n@inline(__always) final class Box {}\nprivate enum Hidden {}\nfunc f(_ g: inout Generator) { print(\"Vocabulary\") }  // Layout"
        #expect(Self.declaredTypes(text) == ["Mask", "Box"])
        let foreign = ["RandomGenerator": "Data", "Generator": "Data", "Vocabulary": "Data", "Layout": "Data"]
        #expect(Self.violations([("Kernel.swift", text)], foreignTypes: foreign) == ["Kernel.swift: Generator (Data)"])
    }

    @Test func everyFolderNamesOnlyTheFoldersBelowIt() throws {
        let sources = try Self.sources()
        #expect(Set(sources.keys) == Set(Self.order), "every folder of Sources/MakemoreKit has its place in the order")
        for (position, folder) in Self.order.enumerated() {
            var foreign: [String: String] = [:]
            for above in Self.order[(position + 1)...] {
                for file in sources[above] ?? [] { for type in Self.declaredTypes(file.text) { foreign[type] = above } }
            }
            #expect(!foreign.isEmpty || folder == Self.order.last)
            let found = Self.violations(sources[folder] ?? [], foreignTypes: foreign)
            #expect(found.isEmpty, "\(folder) names types of the folders above it: \(found)")
        }
    }
}
