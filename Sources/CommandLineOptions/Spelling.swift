/// "Did you mean …?" for a misspelt name: the known name closest to what was typed, by edit
/// distance, when it is close enough to be what was meant (`trasformer` → `transformer`,
/// `--step` → `--steps`, `--dropuot` → `--dropout`).
package enum Spelling {
    /// The number of single-character insertions, deletions, substitutions and swaps of two
    /// neighbouring characters that turn `a` into `b` (the optimal string alignment distance).
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// The name in `candidates` nearest to `typed`, if it is within a third of the typed
    /// length (at least one edit) and no other candidate is as near; a name that starts with
    /// what was typed (`--temp` for `--temperature`) also counts when it is the only one.
    package static func suggestion(for typed: String, among candidates: [String]) -> String? {
        guard !typed.isEmpty else { return nil }
        let scored = candidates.filter { !$0.isEmpty && $0 != typed }.map { (name: $0, distance: distance(typed, $0)) }
        let best = scored.map(\.distance).min() ?? Int.max
        let nearest = Set(scored.filter { $0.distance == best }.map(\.name))
        if best <= max(1, typed.count / 3), nearest.count == 1 { return nearest.first }
        let extensions = Set(candidates.filter { typed.count >= 3 && $0.hasPrefix(typed) && $0 != typed })
        return extensions.count == 1 ? extensions.first : nil
    }
}
