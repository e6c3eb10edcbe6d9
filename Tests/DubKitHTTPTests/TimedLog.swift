import DubKitHTTP
import DubKitTestSupport
import Foundation

/// Captures a client's debug log with the time each line was written. Timings read from it are
/// taken on the client's transfer thread, so a busy cooperative pool (other test suites) cannot
/// skew them.
final class TimedLog: Sendable {
    private let lines = Locked<[(Date, String)]>([])

    /// The sink to give to ``HTTPClient/Configuration``.
    var sink: @Sendable (String) -> Void {
        { [lines] line in lines.withLock { $0.append((Date(), line)) } }
    }

    /// Every line so far.
    var text: String { lines.current.map(\.1).joined(separator: "\n") }

    /// When the first line starting with `prefix` was written.
    func time(ofFirst prefix: String) -> Date? {
        lines.current.first { $0.1.hasPrefix(prefix) }?.0
    }

    /// Waits up to `timeout` seconds for a line starting with one of `prefixes`; returns that line.
    func waitForLine(startingWith prefixes: [String], timeout: Double = 10) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = lines.current.map(\.1).first(where: { line in prefixes.contains { line.hasPrefix($0) } }) {
                return line
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return nil
    }
}
