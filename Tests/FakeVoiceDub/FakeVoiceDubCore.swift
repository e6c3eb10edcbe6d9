import DubKitTestSupport
import Foundation

/// The state behind a ``FakeVoiceDub`` and the dispatch of each request: call counting, faults,
/// auth, rate limit, then the operation itself. Everything mutable is guarded by one lock; media
/// work (measuring and rendering a dub's input) runs outside it.
final class FakeVoiceDubCore: @unchecked Sendable {
    let options: FakeVoiceDub.Options
    let catalogue: PublicVoiceCatalogue
    let storage: TemporaryDirectory
    private let lock = NSLock()
    // Guarded by `lock`.
    private var base = URL(fileURLWithPath: "/")
    private var credits: Int64
    private var dubs: [String: FakeDub] = [:]
    private var voices: [String: FakeCustomVoice] = [:]
    private var faults = FaultPlan()
    private var log = CallLog()
    private var urls = PresignedURLs()
    private var window: RateLimitWindow?
    /// Faults already drawn for uploads when their head arrived, by "METHOD target".
    /// Every API answer sent, in order.
    var sent: [FakeVoiceDub.SentResponse] = []
    private var uploadFaults: [String: FakeVoiceDub.Fault?] = [:]

    init(options: FakeVoiceDub.Options) throws {
        self.options = options
        credits = options.startingCredits
        catalogue = PublicVoiceCatalogue(count: options.publicVoices)
        storage = try TemporaryDirectory("fake-voicedub")
        window = options.rateLimitPerMinute.map(RateLimitWindow.init(limit:))
    }

    /// Runs `body` under the lock.
    func locked<Result, Failure: Error>(_ body: (FakeVoiceDubCore) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    /// Seconds a dub or voice spends in each processing status.
    var stage: TimeInterval { Self.seconds(options.stageDuration) }

    // MARK: State access (call under the lock)

    var baseURL: URL {
        get { base }
        set { base = newValue }
    }

    var accountCredits: Int64 {
        get { credits }
        set { credits = newValue }
    }

    func count(_ operation: FakeVoiceDub.Operation) -> Int { log.count(operation) }

    func times(_ operation: FakeVoiceDub.Operation, id: String?) -> [ContinuousClock.Instant] {
        log.times(operation, id: id)
    }

    func turnedAway(_ operation: FakeVoiceDub.Operation, id: String) -> Int { log.turnedAway(operation, id: id) }

    func inject(_ fault: FakeVoiceDub.Fault, on operation: FakeVoiceDub.Operation, times: Int) {
        faults.inject(fault, on: operation, times: times)
    }

    func clearFaults(on operation: FakeVoiceDub.Operation) {
        faults.clear(operation)
    }

    func injectRandomly(_ list: [FakeVoiceDub.Fault], rate: Double, seed: UInt64) {
        faults.injectRandomly(list, rate: rate, seed: seed)
    }

    /// The dub `id`, walked forward to now (with a fresh `dubUrl` when done).
    func currentDub(_ id: String) -> FakeDub? {
        let key = id.lowercased()
        guard var dub = dubs[key] else { return nil }
        let now = Date()
        dub.advance(to: now, stage: stage)
        if dub.status == .done, dub.resultFile != nil, (dub.dubURLExpires ?? .distantPast) <= now {
            let issued = urls.issue(.dubResult(dubID: key), base: base, lifetime: lifetime, now: now)
            dub.dubURL = issued.url
            dub.dubURLExpires = issued.expires
        }
        dubs[key] = dub
        return dub
    }

    func store(_ dub: FakeDub) { dubs[dub.id] = dub }

    /// The dub `id` as stored, not walked forward.
    func storedDub(_ id: String) -> FakeDub? { dubs[id.lowercased()] }

    var dubIDs: [String] { dubs.values.sorted { $0.createdAt < $1.createdAt }.map(\.id) }

    /// The custom voice `id`, walked forward to now.
    func currentVoice(_ id: String) -> FakeCustomVoice? {
        let key = id.lowercased()
        guard var voice = voices[key] else { return nil }
        voice.advance(to: Date(), stage: stage)
        voices[key] = voice
        return voice
    }

    func store(_ voice: FakeCustomVoice) { voices[voice.id] = voice }

    var voiceIDs: [String] { voices.values.sorted { $0.createdAt < $1.createdAt }.map(\.id) }

    /// Seconds a presigned URL stays valid.
    var lifetime: TimeInterval { Self.seconds(options.presignedURLLifetime) }

    func issue(_ purpose: PresignedURLs.Purpose) -> String {
        urls.issue(purpose, base: base, lifetime: lifetime, now: Date()).url
    }

    func checkSignature(_ purpose: PresignedURLs.Purpose, _ signature: String?) throws(PresignedURLs.Refusal) {
        try urls.check(purpose, signature: signature, now: Date())
    }

    // MARK: Dispatch

    /// Decides, once an upload's head arrived, whether its body is cut off (an injected
    /// `dropConnection`); the call is counted here, and the fault drawn is kept for ``handle(_:)``.
    func bodyCutoff(method: String, target: String, headers: [(name: String, value: String)]) -> Int? {
        guard let route = VoiceDubRoute(method: method, path: Self.path(of: target)),
              route.operation == .uploadDub || route.operation == .uploadVoiceFile else { return nil }
        return locked { core in
            core.log.record(route.operation, id: route.id)
            let fault = core.faults.next(for: route.operation)
            guard fault == .dropConnection else {
                core.uploadFaults["\(method) \(target)"] = .some(fault)
                return nil
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            return length / 2
        }
    }

    /// Answers one request.
    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let path = Self.path(of: request.target)
        guard let route = VoiceDubRoute(method: request.method, path: path) else {
            let response = VoiceDubAPIError.notFound("\(request.method) \(path)").response
            remember(response, of: nil)
            return response
        }
        if route.purpose != nil {
            let fault = locked { core -> FakeVoiceDub.Fault? in
                if let drawn = core.uploadFaults.removeValue(forKey: "\(request.method) \(request.target)") { return drawn }
                core.log.record(route.operation, id: route.id)
                return core.faults.next(for: route.operation)
            }
            return handlePresigned(request, route: route, fault: fault)
        }
        let response = handleAPI(request, route: route)
        remember(response, of: route.operation)
        return response
    }

    /// No answer: the connection stays open, silent, until the client gives up or the server stops.
    static var silence: TestHTTPResponse {
        var response = TestHTTPResponse()
        response.delay = 600
        response.hangsUp = true
        return response
    }

    /// Keeps what an API answer carried, for checking it against the spec.
    private func remember(_ response: TestHTTPResponse, of operation: FakeVoiceDub.Operation?) {
        guard !response.hangsUp, case .bytes(let body) = response.body else { return }
        locked { $0.sent.append(FakeVoiceDub.SentResponse(operation: operation, status: response.status, body: body)) }
    }

    private func handleAPI(_ request: TestHTTPRequest, route: VoiceDubRoute) -> TestHTTPResponse {
        let authorized = Self.apiKey(in: request) == options.apiKey
        let admission = locked { core -> (fault: FakeVoiceDub.Fault?, headers: [(name: String, value: String)], limited: Int?) in
            let call = core.log.record(route.operation, id: route.id)
            guard authorized else {
                core.log.markTurnedAway(call)
                return (nil, [], nil)
            }
            var headers: [(name: String, value: String)] = []
            if var window = core.window {
                let verdict = window.admit(at: Date())
                core.window = window
                headers = verdict.headers
                if !verdict.allowed {
                    core.log.markTurnedAway(call)
                    return (nil, headers, verdict.retryAfter)
                }
            }
            let fault = core.faults.next(for: route.operation)
            switch fault {
            case .rateLimited?, .serverError?, .dropConnection?, .stall?: core.log.markTurnedAway(call)
            default: break
            }
            return (fault, headers, nil)
        }
        guard authorized else { return VoiceDubAPIError.unauthorized().response }
        var headers = admission.headers
        if let retryAfter = admission.limited {
            var response = VoiceDubAPIError.rateLimited(retryAfter: retryAfter).response
            response.headers += headers
            return response
        }
        switch admission.fault {
        case .rateLimited(let seconds):
            headers = headers.map { $0.name == "X-RateLimit-Remaining" ? ($0.name, "0") : $0 }
            var response = VoiceDubAPIError.rateLimited(retryAfter: seconds).response
            response.headers += headers
            return response
        case .serverError:
            var response = VoiceDubAPIError.internalError().response
            response.headers += headers
            return response
        case .dropConnection:
            return .hangUp
        case .stall:
            return Self.silence
        default:
            break
        }
        var response: TestHTTPResponse
        do {
            response = .json(try perform(route, request: request, fault: admission.fault).data)
        } catch {
            response = error.response
        }
        response.headers += headers
        switch admission.fault {
        case .slow(let duration): response.delay = Self.seconds(duration)
        case .dropAfterProcessing: return .hangUp
        default: break
        }
        return response
    }

    private func perform(_ route: VoiceDubRoute, request: TestHTTPRequest,
                         fault: FakeVoiceDub.Fault?) throws(VoiceDubAPIError) -> JSONNode {
        var failure: FakeDub.Failure?
        if case .dubFails(let code, let message) = fault { failure = FakeDub.Failure(code: code, message: message) }
        switch route.operation {
        case .getMe: return locked { .object(["user": .object(["apiCredits": .int($0.credits)])]) }
        case .listVoices: return try listVoices(QueryParameters(request.queryItems))
        case .getVoice: return try getVoice(route.id ?? "", failure: failure)
        case .createVoice: return try createVoice(request.body, failure: failure)
        case .cloneVoice: return try cloneVoice(route.id ?? "", failure: failure)
        case .createDub: return try createDub(request.body, failure: failure)
        case .getDub: return try getDub(route.id ?? "", failure: failure)
        case .preprocessDub: return try preprocessDub(route.id ?? "", failure: failure)
        case .generateDub: return try generateDub(route.id ?? "", failure: failure)
        case .uploadDub, .uploadVoiceFile, .downloadDub: throw .notFound("Route")
        }
    }

    /// The path of a request target, without the query, percent-decoded, repeated slashes merged
    /// (as web servers in front of APIs do, so `base + "/v1/me"` with a trailing-slash base works).
    static func path(of target: String) -> String {
        let raw = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let decoded = raw.removingPercentEncoding ?? raw
        return "/" + decoded.split(separator: "/").joined(separator: "/")
    }

    /// The key of an `Authorization: Api-Key <key>` header (scheme compared without case).
    private static func apiKey(in request: TestHTTPRequest) -> String? {
        guard let value = request.header("Authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "api-key" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
