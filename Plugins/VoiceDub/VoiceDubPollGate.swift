import Foundation

/// Keeps reads of one dub or voice at least `interval` seconds apart (VoiceDub asks for at most one
/// every 3 s), whoever asks: the core's polling, resumes, and the adapter's own look-ups.
actor VoiceDubPollGate {
    let interval: Double
    private var last: [String: ContinuousClock.Instant] = [:]

    init(interval: Double) {
        self.interval = interval
    }

    /// Waits until `key` may be read again, and records this read.
    func enter(_ key: String) async throws {
        let clock = ContinuousClock()
        if let previous = last[key] {
            let ready = previous.advanced(by: .nanoseconds(Int64(interval * 1_000_000_000)))
            // Reserve the slot before sleeping, so two callers cannot both take it.
            last[key] = max(ready, clock.now)
            if ready > clock.now { try await clock.sleep(until: ready) }
        } else {
            last[key] = clock.now
        }
    }
}
