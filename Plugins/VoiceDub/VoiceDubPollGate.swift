import Foundation

/// Keeps reads of one dub or voice at least `interval` seconds apart (VoiceDub asks for at most one
/// every 3 s), whoever asks: the core's polling, resumes, and the adapter's own look-ups. The interval
/// runs from the end of one read to the start of the next, so the server sees them at least that far
/// apart whatever the network's delays; reads of one job never overlap.
actor VoiceDubPollGate {
    let interval: Double
    private var last: [String: ContinuousClock.Instant] = [:]
    private var reading: Set<String> = []

    init(interval: Double) {
        self.interval = interval
    }

    /// Waits until `key` may be read again and marks it as being read; call ``leave(_:)`` after the read.
    func enter(_ key: String) async throws {
        let clock = ContinuousClock()
        while true {
            if reading.contains(key) {
                try await clock.sleep(for: .milliseconds(10))
                continue
            }
            if let previous = last[key] {
                let ready = previous.advanced(by: .nanoseconds(Int64(interval * 1_000_000_000)))
                if ready > clock.now {
                    try await clock.sleep(until: ready)
                    continue
                }
            }
            reading.insert(key)
            return
        }
    }

    /// Marks the read of `key` as finished, starting its next interval.
    func leave(_ key: String) {
        reading.remove(key)
        last[key] = ContinuousClock.now
    }
}
