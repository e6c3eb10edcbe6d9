import DubKitHTTP
import Foundation
import Testing
@testable import VoiceDubProvider

@Suite("VoiceDub rate-limit headers")
struct VoiceDubRateLimitWindowTests {
    @Test("X-RateLimit-Remaining: 0 holds the next request until X-RateLimit-Reset; remaining calls do not")
    func exhaustedWindowWaits() async {
        let window = RateLimitWindow()
        let reset = Date().addingTimeInterval(0.5).timeIntervalSince1970
        await window.record(["X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(reset)])
        let clock = ContinuousClock()
        let started = clock.now
        await window.waitIfExhausted()
        #expect(clock.now - started >= .milliseconds(400))

        await window.record(["X-RateLimit-Remaining": "12", "X-RateLimit-Reset": String(Date().addingTimeInterval(30).timeIntervalSince1970)])
        let again = clock.now
        await window.waitIfExhausted()
        #expect(clock.now - again < .milliseconds(100))
    }
}
