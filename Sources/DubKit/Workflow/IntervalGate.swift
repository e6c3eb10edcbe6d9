import Foundation

/// Keeps the requests that share a key at least `interval` apart, from the end of one to the start of
/// the next, and one at a time: reads of one job (the key is the job), whichever code path asks (the
/// poll loop, a lookup after a lost answer, a retry after a transient failure), or a provider's paid
/// requests (one key) when it accepts only a few a minute. Because the gap is measured from the end of
/// the previous request, it holds where the provider counts: at arrival.
public actor IntervalGate {
    /// The least time between two requests of one key, in seconds.
    public let interval: Double
    private var nextStart: [String: ContinuousClock.Instant] = [:]
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init(interval: Double) {
        self.interval = max(0, interval)
    }

    /// Waits until a request of `key` may start; the caller must call ``finished(_:)`` when it ends.
    public func enter(_ key: String) async throws {
        while true {
            if busy.contains(key) {
                await withCheckedContinuation { waiting[key, default: []].append($0) }
                continue
            }
            if let next = nextStart[key], next > ContinuousClock.now {
                try await Task.sleep(until: next, clock: .continuous)
                continue // another request of the key may have gone first meanwhile
            }
            busy.insert(key)
            return
        }
    }

    /// Records that the request of `key` has ended (answered or not) and lets the next one wait its turn.
    public func finished(_ key: String) {
        busy.remove(key)
        if interval > 0 { nextStart[key] = ContinuousClock.now + .seconds(interval) }
        for waiter in waiting.removeValue(forKey: key) ?? [] { waiter.resume() }
    }
}
