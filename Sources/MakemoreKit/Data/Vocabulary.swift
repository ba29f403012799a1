/// The one tokenizer shared by every stage.
///
/// A token is a *grapheme cluster* (a Swift `Character`): what a reader sees as one letter.
/// So `ë` is one token whether the file spells it precomposed (U+00EB) or as `e` + U+0308
/// (Swift compares characters by canonical equivalence), and `김` is one token. Index 0 is the
/// boundary token that both starts and ends a word (printed `.`); the other characters of the
/// training words follow in sorted order, so for names.txt `a` = 1 … `z` = 26.
public struct Vocabulary: Equatable, Sendable {
    /// The boundary token's index.
    public static let boundary: Int32 = 0
    /// How the boundary token is printed.
    package static let boundarySymbol = "."

    /// The characters in index order, excluding the boundary (index `i + 1` is `characters[i]`).
    public let characters: [Character]
    private let indexOf: [Character: Int32]

    /// The vocabulary of the characters used in `words`.
    public init(words: [String]) {
        self.init(characters: Array(Set(words.flatMap { $0 })))
    }

    /// A vocabulary of exactly these characters (sorted; duplicates removed).
    public init(characters: [Character]) {
        let sorted = Array(Set(characters)).sorted()
        self.characters = sorted
        var index: [Character: Int32] = [:]
        for (i, c) in sorted.enumerated() { index[c] = Int32(i + 1) }
        indexOf = index
    }

    /// Number of tokens, boundary included.
    public var size: Int { characters.count + 1 }

    /// The token of `character`, or nil if the vocabulary does not know it.
    public func token(of character: Character) -> Int32? { indexOf[character] }

    /// The tokens of `word` (no boundaries); throws `MakemoreError.outsideVocabulary` naming
    /// the text as `context` and the unknown character, placed in the file `source` if given.
    public func encode(_ word: String, context: String = "word", source: String? = nil) throws -> [Int32] {
        var tokens: [Int32] = []
        tokens.reserveCapacity(word.count)
        for c in word {
            guard let t = indexOf[c] else {
                let error = MakemoreError.outsideVocabulary(name: context, text: word, character: c)
                throw source.map { MakemoreError.inFile(path: $0, error) } ?? error
            }
            tokens.append(t)
        }
        return tokens
    }

    /// The text of `tokens`; the boundary is shown as `.`. Throws for a token outside the
    /// vocabulary.
    public func decode(_ tokens: some Sequence<Int32>) throws -> String {
        String(try tokens.map { try symbol(of: $0) }.joined())
    }

    /// The printed form of one token; throws unless it is in `0..<size`.
    public func symbol(of token: Int32) throws -> String {
        guard (0..<Int32(size)).contains(token) else {
            throw MakemoreError.invalidValue(name: "token", rule: "in 0...\(size - 1)", value: "\(token)")
        }
        return symbol(known: token)
    }

    /// The printed form of a token known to be in `0..<size` (one the vocabulary enumerates).
    func symbol(known token: Int32) -> String {
        token == Vocabulary.boundary ? Vocabulary.boundarySymbol : String(characters[Int(token) - 1])
    }
}
