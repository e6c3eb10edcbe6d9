import DubKit
import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing
@testable import VoiceDubProvider

@Suite("VoiceDub rate-limit headers")
struct VoiceDubRateLimitWindowTests {
    /// A 429 of VoiceDub's with its rate-limit headers and no `Retry-After`.
    static func refused(remaining: Int, resetIn seconds: Double) -> VoiceDubError {
        let reset = Date().addingTimeInterval(seconds).timeIntervalSince1970
        let headers: HTTPHeaders = ["X-RateLimit-Limit": "100", "X-RateLimit-Remaining": String(remaining), "X-RateLimit-Reset": String(reset)]
        return VoiceDubError.refusal(HTTPResponse(status: 429, headers: headers,
                                                  body: Data(#"{"code":"rate_limit_exceeded","message":"Rate limit exceeded"}"#.utf8)),
                                     operation: "GET /v1/me/dubs/d1")
    }

    @Test("X-RateLimit-Remaining: 0 holds the next request until X-RateLimit-Reset, in every process on the project; remaining calls do not")
    func exhaustedWindowWaits() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.05)
        let job = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false, parameters: .empty)).jobID
        // The wire error carries the wait to the reset; the core pauses the provider that long.
        let wait = try #require(Self.refused(remaining: 0, resetIn: 0.5).providerError.retryAfter)
        #expect(wait > 0.3 && wait <= 0.5)
        let limited = PacedProvider(RateLimitedRead(base: h.adapter, error: Self.refused(remaining: 0, resetIn: 0.5).providerError),
                                    store: h.store, pollInterval: nil)
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: ProviderError.self) { _ = try await limited.pollDub(jobID: job) }
        // Another process on the project (its own store connection and pacer) waits for the reset too.
        let other = PacedProvider(try h.secondAdapter(), store: try Workspace(root: h.dir.path("ws")).openProject("films"), pollInterval: nil)
        _ = try await other.pollDub(jobID: job)
        #expect(clock.now - started >= .milliseconds(400))

        #expect(Self.refused(remaining: 12, resetIn: 30).providerError.retryAfter == nil)
    }
}

/// VoiceDub whose reads meet a 429 (given as the wire error made it), for the core's pacing of it.
private struct RateLimitedRead: Provider {
    let base: VoiceDubAdapter
    let error: ProviderError
    var descriptor: ProviderDescriptor { base.descriptor }
    func pollDub(jobID: String) async throws -> DubJobState { throw error }
}
