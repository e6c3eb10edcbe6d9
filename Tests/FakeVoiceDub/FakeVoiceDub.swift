import DubKitTestSupport
import Foundation

/// A fake VoiceDub API server for tests, on 127.0.0.1 over real sockets, following
/// docs/specs/voicedub-openapi.json and PROVIDERS.md: it checks auth and every request's fields,
/// keeps dubs and voices whose statuses move on over time, hands out presigned upload and download
/// URLs of its own, charges credits by the spec's rule, counts every call and injects faults.
///
/// ```swift
/// let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(50)))
/// // VOICEDUB_BASE_URL=fake.baseURL, VOICEDUB_API_KEY=fake.options.apiKey
/// fake.inject(.rateLimited(retryAfterSeconds: 1), on: .generateDub)
/// … run the adapter …
/// #expect(fake.calls(.generateDub) == 2 && fake.dub(id)?.generateCalls == 1)
/// ```
public final class FakeVoiceDub: Sendable {
    /// The options the fake started with.
    public let options: Options
    private let core: FakeVoiceDubCore
    private let server: TestHTTPServer

    /// Starts listening on 127.0.0.1 on a free port.
    public init(options: Options = .init()) throws {
        self.options = options
        let core = try FakeVoiceDubCore(options: options)
        self.core = core
        server = try TestHTTPServer(
            keepAlive: options.keepAlive,
            bodyCutoff: { method, target, headers in core.bodyCutoff(method: method, target: target, headers: headers) },
            handler: { request in core.handle(request) })
        let base = URL(string: "http://127.0.0.1:\(server.port)") ?? server.baseURL
        baseURL = base
        core.locked { $0.baseURL = base }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash): what `VOICEDUB_BASE_URL` is set to.
    public let baseURL: URL

    /// How many calls of `operation` arrived (every one, answered, refused or dropped).
    public func calls(_ operation: Operation) -> Int {
        core.locked { $0.count(operation) }
    }

    /// When the calls of `operation` arrived, in order; with `id`, only those on that dub or voice
    /// (to check polling intervals).
    public func callTimes(_ operation: Operation, id: String? = nil) -> [ContinuousClock.Instant] {
        core.locked { $0.times(operation, id: id) }
    }

    /// How many calls of `operation` on the dub or voice `id` arrived: every raw request, answered,
    /// refused, failed or dropped, including those the fake turned away without changing anything.
    public func calls(_ operation: Operation, id: String) -> Int {
        core.locked { $0.times(operation, id: id).count }
    }

    /// How many of the calls of `operation` on `id` were refused before anything was done: a wrong
    /// key, the rate limit, an injected 429 or 500, or a connection dropped with nothing done. The
    /// raw count minus these is what took effect (or was refused by the dub's own state).
    public func callsTurnedAway(_ operation: Operation, id: String) -> Int {
        core.locked { $0.turnedAway(operation, id: id) }
    }

    /// Makes the next `times` calls of `operation` meet `fault` (after faults injected before).
    public func inject(_ fault: Fault, on operation: Operation, times: Int = 1) {
        core.locked { $0.inject(fault, on: operation, times: times) }
    }

    /// Drops the faults still injected for `operation`: its next calls are answered normally.
    public func clearFaults(on operation: Operation) {
        core.locked { $0.clearFaults(on: operation) }
    }

    /// Makes every call (once injected faults are used up) meet one of `faults` with probability
    /// `rate`, drawn from a generator seeded with `seed`, so a failing run can be repeated.
    public func injectRandomly(_ faults: [Fault], rate: Double, seed: UInt64) {
        core.locked { $0.injectRandomly(faults, rate: rate, seed: seed) }
    }

    /// The account's API credits now (GET /v1/me's `apiCredits`).
    public var credits: Int64 {
        core.locked { $0.accountCredits }
    }

    /// Sets the account's API credits.
    public func setCredits(_ credits: Int64) {
        core.locked { $0.accountCredits = credits }
    }

    /// The public voice catalogue GET /v1/voices serves, in order.
    public var publicVoices: [PublicVoice] { core.catalogue.voices }

    /// The ids of every dub created so far, oldest first.
    public var dubIDs: [String] { core.locked { $0.dubIDs } }

    /// The dub `id` as it stands now, or nil when there is none.
    public func dub(_ id: String) -> DubSnapshot? {
        core.locked { $0.currentDub(id) }.map(DubSnapshot.init)
    }

    /// The ids of every custom voice created so far, oldest first.
    public var voiceIDs: [String] { core.locked { $0.voiceIDs } }

    /// The custom voice `id` as it stands now, or nil when there is none.
    public func voice(_ id: String) -> VoiceSnapshot? {
        core.locked { $0.currentVoice(id) }.map(VoiceSnapshot.init)
    }

    /// Every answer sent to an API call so far, in order (dropped connections send none).
    public var sentResponses: [SentResponse] { core.locked { $0.sent } }

    /// Every way the answers sent so far break docs/specs/voicedub-openapi.json (see
    /// ``VoiceDubSpec/problems(in:)``); empty when all conform.
    public func answersBreakingTheSpec() throws -> [String] {
        try VoiceDubSpec().problems(in: sentResponses)
    }

    /// Closes the listener and every open connection.
    public func stop() { server.stop() }

    /// Every request received, in order (method, target with its query, headers), for checking what a
    /// client asked for (e.g. the `Range` of a download it continued).
    public var requests: [TestHTTPRequest] { server.requests }
}
