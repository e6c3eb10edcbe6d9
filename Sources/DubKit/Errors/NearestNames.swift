/// The names nearest a mistyped word, as git and gh suggest them: those that start with it, and those
/// within a few edits of it (a swap of two neighbouring letters counts as one), closest first.
public enum NearestNames {
    /// At most `limit` of `names` that `word` was probably meant to be; empty when none is close.
    /// `wrongShare` is the share of the word's letters that may be wrong (at least one, at most three):
    /// a third for commands and options; more for a few short names spelled by ear (`brite` → `bright`).
    public static func to(_ word: String, among names: [String], limit: Int = 3, wrongShare: Double = 1.0 / 3) -> [String] {
        let typed = Array(word.lowercased())
        guard !typed.isEmpty else { return [] }
        let allowed = min(3, max(1, Int(Double(typed.count) * wrongShare + 1e-9)))
        var scored: [(name: String, score: Int)] = []
        for name in Set(names) {
            let candidate = Array(name.lowercased())
            if typed.count >= 2 && candidate.starts(with: typed) {
                scored.append((name, 0))
                continue
            }
            let distance = editDistance(typed, candidate)
            if distance <= allowed { scored.append((name, distance)) }
        }
        let best = scored.map(\.score).min()
        return scored.filter { $0.score == best }.map(\.name).sorted().prefix(limit).map { $0 }
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours, each one edit.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
