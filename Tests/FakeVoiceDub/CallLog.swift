/// Every call the fake received: which operation, on which dub or voice, and when.
struct CallLog: Sendable {
    private var entries: [(operation: FakeVoiceDub.Operation, id: String?, at: ContinuousClock.Instant, turnedAway: Bool)] = []

    /// Records one call; returns its position, to mark it turned away once that is decided.
    @discardableResult
    mutating func record(_ operation: FakeVoiceDub.Operation, id: String?) -> Int {
        entries.append((operation, id?.lowercased(), ContinuousClock.now, false))
        return entries.count - 1
    }

    /// Marks the call at `index` as refused before anything was done (401, 429, 500, dropped).
    mutating func markTurnedAway(_ index: Int) {
        guard entries.indices.contains(index) else { return }
        entries[index].turnedAway = true
    }

    /// How many calls of `operation` on `id` were refused before anything was done.
    func turnedAway(_ operation: FakeVoiceDub.Operation, id: String) -> Int {
        let wanted = id.lowercased()
        return entries.filter { $0.operation == operation && $0.id == wanted && $0.turnedAway }.count
    }

    /// How many calls of `operation` arrived.
    func count(_ operation: FakeVoiceDub.Operation) -> Int {
        entries.filter { $0.operation == operation }.count
    }

    /// When the calls of `operation` (on `id`, when given) arrived, in order.
    func times(_ operation: FakeVoiceDub.Operation, id: String?) -> [ContinuousClock.Instant] {
        let wanted = id?.lowercased()
        return entries.filter { $0.operation == operation && (wanted == nil || $0.id == wanted) }.map(\.at)
    }
}
