import Foundation

/// Keeps reads of one fine-tune at least `interval` seconds apart (Cartesia: about every 10 s), whoever
/// asks: the trainer's polling, resumes, and later `dubkit` processes over the same workspace. The
/// interval runs from the end of one read to the start of the next; reads of one fine-tune never overlap.
///
/// Across processes the end of each fine-tune's last read is kept in `folder` (`poll-<id>`, Unix time),
/// waited on for at most one interval (a clock set back must not stall the poll).
actor CartesiaPollGate {
    let interval: Double
    let folder: URL
    private var last: [String: ContinuousClock.Instant] = [:]
    private var reading: Set<String> = []

    init(interval: Double, folder: URL) {
        self.interval = interval
        self.folder = folder
    }

    /// Waits until `key` may be read again and marks it as being read; call ``leave(_:)`` after the read.
    func enter(_ key: String) async throws {
        let clock = ContinuousClock()
        while reading.contains(key) {
            try await clock.sleep(for: .milliseconds(10))
        }
        reading.insert(key)
        var ready = last[key].map { $0.advanced(by: Self.duration(interval)) } ?? clock.now
        if let previous = (try? String(contentsOf: file(key), encoding: .utf8)).flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            let remaining = min(interval, previous + interval - Date().timeIntervalSince1970)
            if remaining > 0 { ready = max(ready, clock.now.advanced(by: Self.duration(remaining))) }
        }
        do {
            if ready > clock.now { try await clock.sleep(until: ready) }
        } catch {
            reading.remove(key)
            throw error
        }
    }

    /// Marks the read of `key` as finished, starting its next interval.
    func leave(_ key: String) {
        last[key] = ContinuousClock.now
        reading.remove(key)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? String(format: "%.6f\n", Date().timeIntervalSince1970).write(to: file(key), atomically: true, encoding: .utf8)
    }

    private func file(_ key: String) -> URL {
        folder.appendingPathComponent("poll-" + String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }))
    }

    private static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64(seconds * 1_000_000_000))
    }
}
