import Foundation

/// A fixed one-minute window of API calls for the X-RateLimit headers and 429 answers.
struct RateLimitWindow: Sendable {
    let limit: Int
    private var start: Date?
    private var used = 0

    init(limit: Int) { self.limit = limit }

    /// Counts one call at `now`; returns whether it is within the limit, with the headers to send.
    mutating func admit(at now: Date) -> (allowed: Bool, headers: [(name: String, value: String)], retryAfter: Int) {
        if let start, now.timeIntervalSince(start) < 60 {
            used += 1
        } else {
            start = now
            used = 1
        }
        let reset = (start ?? now).addingTimeInterval(60)
        let allowed = used <= limit
        let headers = [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(max(0, limit - used))),
                       ("X-RateLimit-Reset", String(Int(reset.timeIntervalSince1970.rounded(.up))))]
        return (allowed, headers, max(1, Int(reset.timeIntervalSince(now).rounded(.up))))
    }
}
