import Foundation

/// How long to wait after a transient provider failure, and when to give up: the wait doubles with
/// each failure in a row (or is what the service asked for) and a success starts the count over.
struct TransientRetry: Sendable {
    /// The first wait, in seconds.
    var delay: Double
    /// Failures in a row survived before giving up.
    var limit: Int
    private(set) var failuresInARow = 0

    init(delay: Double, limit: Int) {
        self.delay = delay
        self.limit = limit
    }

    /// The wait before trying again after `error`, or nil when it is not transient or the limit is reached.
    mutating func wait(after error: ProviderError) -> Double? {
        guard error.isTransient, failuresInARow < limit else { return nil }
        failuresInARow += 1
        return error.retryAfter ?? min(delay * pow(2, Double(failuresInARow - 1)), 60)
    }

    mutating func succeeded() {
        failuresInARow = 0
    }

    /// The error's message, saying how many tries it took when a transient failure ended the work.
    func message(_ error: ProviderError) -> String {
        let text = error.localizedDescription
        return error.isTransient && failuresInARow > 0 ? "\(text) (gave up after \(failuresInARow + 1) tries in a row)" : text
    }

    /// The line reported before waiting.
    func note(_ error: ProviderError, wait: Double) -> String {
        let seconds = wait < 10 ? String(format: "%.1f s", wait) : "\(Int(wait.rounded())) s"
        return "\(error.localizedDescription); trying again in \(seconds) (\(failuresInARow) of \(limit))"
    }
}
