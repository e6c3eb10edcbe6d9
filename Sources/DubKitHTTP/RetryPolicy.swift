import Foundation

/// When and how long to wait before resending a failed request: connection errors, 5xx and 429 are
/// retried with exponential backoff and jitter, honouring `Retry-After`, within attempt and time caps.
/// Timeouts are not retried (the caller chose the limit), nor are POST/PATCH unless marked idempotent.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (1 means never retry).
    public var maxAttempts: Int
    /// The wait before the first retry, in seconds; doubled for each further retry.
    public var baseDelay: Double
    /// The longest single wait, in seconds.
    public var maxDelay: Double
    /// The longest time from the first attempt to the last retry's start, in seconds.
    public var maxTotalTime: Double
    /// How much each wait may vary at random, as a fraction (0.2 is ±20 %).
    public var jitter: Double
    /// Resend a POST or PATCH that was answered 429: the server refused it without acting on it, so
    /// sending it again after `Retry-After` cannot do the work twice. Other failures of such requests
    /// are still not retried unless the request is marked idempotent.
    public var retriesRateLimitedWrites: Bool

    /// A policy from its limits.
    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 30, maxTotalTime: Double = 120,
                jitter: Double = 0.2, retriesRateLimitedWrites: Bool = false) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxTotalTime = max(0, maxTotalTime)
        self.jitter = min(max(0, jitter), 1)
        self.retriesRateLimitedWrites = retriesRateLimitedWrites
    }

    /// The default: four attempts, 0.5 s doubling up to 30 s, two minutes in all.
    public static let standard = RetryPolicy()

    /// Never retry.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// True for statuses worth retrying: 429 and 5xx (except 501, which will not change).
    public func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500..<600).contains(status) && status != 501
    }

    /// True for failures worth retrying: connection failures and retryable statuses.
    public func isRetryable(_ error: HTTPError) -> Bool {
        switch error {
        case .connectionFailed, .answerLost: true
        case .status(_, _, let code, _): isRetryable(status: code)
        default: false
        }
    }

    /// Seconds to wait after `attempt` (1-based) failed; `retryAfter` is the server's header, if any.
    public func delay(afterAttempt attempt: Int, retryAfter: String?, now: Date = Date()) -> Double {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter, now: now) {
            return seconds
        }
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        let spread = exponential * jitter
        return max(0, exponential + Double.random(in: -spread...spread))
    }

    /// Seconds from `now` that a `Retry-After` value asks for (delta-seconds or an HTTP date).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return seconds >= 0 ? seconds : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
