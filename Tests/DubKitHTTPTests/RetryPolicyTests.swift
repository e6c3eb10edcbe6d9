import DubKitHTTP
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == 3)
        let date = "Mon, 12 Jan 1970 13:46:50 GMT" // now + 10 s
        #expect(RetryPolicy.parseRetryAfter(date, now: now) == 10)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 3, jitter: 0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) == 1)
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil) == 2)
        #expect(policy.delay(afterAttempt: 5, retryAfter: nil) == 3)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "7") == 7)
    }
}
