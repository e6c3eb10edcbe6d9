/// Every call the fake received: which operation, on which dub or voice, and when.
struct CallLog: Sendable {
    private var entries: [(operation: FakeVoiceDub.Operation, id: String?, at: ContinuousClock.Instant)] = []

    /// Records one call.
    mutating func record(_ operation: FakeVoiceDub.Operation, id: String?) {
        entries.append((operation, id?.lowercased(), ContinuousClock.now))
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
