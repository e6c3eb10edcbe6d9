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

    @Test("an answer that spends the window (X-RateLimit-Remaining: 0) holds the next request until X-RateLimit-Reset; one with calls remaining does not")
    func spentWindowWaits() async throws {
        // What the server says (calls remaining, the window's reset), and when each request reached it.
        let window = Locked((remaining: "0", reset: Date().addingTimeInterval(1)))
        let arrivals = Locked<[Date]>([])
        let server = try TestHTTPServer { _ in
            arrivals.withLock { $0.append(Date()) }
            let (remaining, reset) = window.current
            return TestHTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("X-RateLimit-Limit", "100"),
                                                           ("X-RateLimit-Remaining", remaining),
                                                           ("X-RateLimit-Reset", String(reset.timeIntervalSince1970))],
                                    body: .bytes(Data(#"{"user":{"apiCredits":5}}"#.utf8)))
        }
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.path("ws")).createProject("films")
        let adapter = try VoiceDubAdapter(stateFolder: dir.path("state"), environment: [
            "VOICEDUB_BASE_URL": server.baseURL.absoluteString, "VOICEDUB_API_KEY": "k", "DUBKIT_CONFIG_DIR": dir.path("config").path,
        ])
        let paced = PacedProvider(adapter, store: store, pollInterval: nil)
        _ = try await paced.account()
        let reset = window.current.reset
        window.withLock { $0 = (remaining: "12", reset: Date().addingTimeInterval(30)) }
        _ = try await paced.account()
        #expect(try #require(arrivals.current.last) >= reset.addingTimeInterval(-0.05), "sent before the reset")

        // Calls remaining: the next request goes at once, not at the reset 30 s away.
        _ = try await paced.account()
        let times = arrivals.current
        #expect(times.count == 3)
        if times.count == 3 { #expect(times[2].timeIntervalSince(times[1]) < 10) }
    }
}

/// VoiceDub whose reads meet a 429 (given as the wire error made it), for the core's pacing of it.
private struct RateLimitedRead: Provider {
    let base: VoiceDubAdapter
    let error: ProviderError
    var descriptor: ProviderDescriptor { base.descriptor }
    func pollDub(jobID: String) async throws -> DubJobState { throw error }
}
