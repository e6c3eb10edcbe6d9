import DubKitTestSupport
import Foundation

/// The ElevenLabs API on 127.0.0.1 for tests (seed 002, the ElevenLabs section of PROVIDERS.md and
/// docs/providers.md): the voice library in `next_page_token` pages, the models (one that cannot
/// convert), the plan's characters, and speech-to-speech (plain and streamed) with every field
/// checked, the audio decoded and encoded for real in the asked `output_format`, characters
/// charged, concurrent requests limited, every call counted and faults injected per operation.
public final class FakeElevenLabs: Sendable {
    public let options: Options
    let server: Locked<TestHTTPServer?> = Locked(nil)
    let state: Locked<State>
    /// Where uploads are written to be decoded, and answers are encoded.
    let scratch: TemporaryDirectory

    struct State {
        var calls: [Operation: Int] = [:]
        var faults = FaultQueues<Operation, Fault>()
        var conversions: [Conversion] = []
        var charactersUsed: Int64
        var inFlight = 0
        var mostInFlight = 0
        /// Holds back the last chunk of streamed answers until it returns true.
        var streamGate: (@Sendable () -> Bool)?
    }

    /// The models `GET /v1/models` lists: two that convert, two that only speak text.
    public static let models = [
        Model(modelID: "eleven_english_sts_v2", name: "Eleven English v2 (speech-to-speech)", canDoVoiceConversion: true, canDoTextToSpeech: false),
        Model(modelID: "eleven_multilingual_sts_v2", name: "Eleven Multilingual v2 (speech-to-speech)", canDoVoiceConversion: true, canDoTextToSpeech: false),
        Model(modelID: "eleven_multilingual_v2", name: "Eleven Multilingual v2", canDoVoiceConversion: false, canDoTextToSpeech: true),
        Model(modelID: "eleven_flash_v2_5", name: "Eleven Flash v2.5", canDoVoiceConversion: false, canDoTextToSpeech: true),
    ]

    /// The seed's output formats, the only ones accepted.
    public static let outputFormats = [
        "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192",
        "pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100", "ulaw_8000",
    ]

    /// Starts the fake on a free port.
    public init(options: Options = Options()) throws {
        self.options = options
        state = Locked(State(charactersUsed: options.charactersUsed))
        scratch = try TemporaryDirectory("fake-elevenlabs")
        let server = try TestHTTPServer { [weak self] request in
            self?.handle(request) ?? .text("gone", status: 503)
        }
        self.server.withLock { $0 = server }
    }

    /// `http://127.0.0.1:PORT`, what `ELEVENLABS_BASE_URL` is set to.
    public var baseURL: URL { server.current.map { $0.url("") } ?? URL(fileURLWithPath: "/") }

    /// Every request received, in order.
    public var requests: [TestHTTPRequest] { server.current?.requests ?? [] }

    /// Calls of `operation`, answered or not.
    public func calls(_ operation: Operation) -> Int { state.current.calls[operation] ?? 0 }

    /// All calls of every operation.
    public var totalCalls: Int { state.current.calls.values.reduce(0, +) }

    /// Makes the next `times` calls of `operation` meet `fault`.
    public func inject(_ fault: Fault, on operation: Operation, times: Int = 1) {
        state.withLock { $0.faults.add(fault, on: operation, times: times) }
    }

    /// Holds back the last chunk of every streamed answer until `gate` returns true (the server gives
    /// up after 10 s and drops the connection).
    public func holdStreamEnd(until gate: @escaping @Sendable () -> Bool) {
        state.withLock { $0.streamGate = gate }
    }

    /// Every conversion answered, in order.
    public var conversions: [Conversion] { state.current.conversions }

    /// Characters used on the plan so far.
    public var charactersUsed: Int64 { state.current.charactersUsed }

    /// The most conversions that were being worked on at once.
    public var mostConcurrentConversions: Int { state.current.mostInFlight }

    /// The generated voice library.
    public var voices: [Voice] {
        let names = ["Rachel", "Drew", "Clyde", "Paul", "Aria", "Domi", "Dave", "Fin"]
        let accents = ["american", "british", "australian"]
        let uses = ["narration", "conversational", "characters"]
        let moods = ["calm", "warm", "deep", "crisp"]
        return (1...max(1, options.voices)).map { index in
            let gender = index % 2 == 0 ? "female" : "male"
            return Voice(voiceID: String(format: "fv%018d", index), name: "\(names[index % names.count]) \(index)",
                         category: index % 5 == 0 ? "cloned" : "premade",
                         labels: ["accent": accents[index % accents.count], "gender": gender, "age": index % 3 == 0 ? "old" : "young",
                                  "use_case": uses[index % uses.count], "description": moods[index % moods.count]],
                         description: "A \(moods[index % moods.count]) \(gender) voice",
                         languages: index % 4 == 0 ? ["en", "es"] : ["en"])
        }
    }

    /// Stops the server.
    public func stop() { server.withLock { $0?.stop(); $0 = nil } }

    // MARK: Handling

    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let route = Route(request)
        state.withLock { $0.calls[route.operation, default: 0] += 1 }
        guard let key = request.header("xi-api-key") else {
            return Self.detail(401, "needs_authorization", "Neither authorization header nor xi-api-key received, please provide one.")
        }
        guard key == options.apiKey else { return Self.detail(401, "invalid_api_key", "Invalid API key") }
        let fault = takeFault(route.operation)
        switch fault {
        case .invalidAPIKey?: return Self.detail(401, "invalid_api_key", "Invalid API key")
        case .quotaExceeded?:
            let left = max(0, options.characterLimit - charactersUsed)
            return Self.detail(401, "quota_exceeded",
                               "This request exceeds your quota of \(options.characterLimit). You have \(left) credits remaining, while \(left + 1000) credits are required for this request.")
        case let .unprocessable(field, message)?:
            return Self.invalid(["body", field], message, type: "value_error")
        case let .tooManyConcurrentRequests(seconds)?:
            return Self.busy("too_many_concurrent_requests", Self.concurrencyMessage(options.maxConcurrentRequests), retryAfter: seconds)
        case let .systemBusy(seconds)?:
            return Self.busy("system_busy", "We're experiencing a high volume of requests. Please try again in a few seconds.", retryAfter: seconds)
        case .serverError?: return Self.detail(500, "internal_server_error", "An internal error occurred.")
        case .dropConnection?: return .hangUp
        default: break
        }
        var chunkDelay = Self.seconds(options.streamChunkDelay)
        if case let .slowStream(delay)? = fault { chunkDelay = Self.seconds(delay) }
        switch route.operation {
        case .listVoices: return listVoices(request)
        case .listModels: return listModels()
        case .subscription: return subscription()
        case .convert, .convertStream:
            return convert(request, voiceID: route.voiceID ?? "", streamed: route.operation == .convertStream,
                           chunkDelay: chunkDelay, dropMidBody: fault == .dropMidBody)
        case .unknown: return Self.detail(404, "not_found", "Not Found")
        }
    }

    func takeFault(_ operation: Operation) -> Fault? {
        state.withLock { $0.faults.take(operation) }
    }

    /// `{detail: {status, message}}` with an HTTP status.
    static func detail(_ status: Int, _ code: String, _ message: String) -> TestHTTPResponse {
        .json(["detail": ["status": code, "message": message]], status: status)
    }

    /// FastAPI's 422: `{detail: [{loc, msg, type}]}`.
    static func invalid(_ loc: [String], _ message: String, type: String) -> TestHTTPResponse {
        let body: [String: Any] = ["detail": [["loc": loc, "msg": message, "type": type] as [String: Any]]]
        return .json((try? JSONSerialization.data(withJSONObject: body)) ?? Data(), status: 422)
    }

    static func busy(_ code: String, _ message: String, retryAfter: Int?) -> TestHTTPResponse {
        var response = detail(429, code, message)
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }

    static func concurrencyMessage(_ limit: Int) -> String {
        "Too many concurrent requests. Your current subscription is associated with a maximum of \(limit) concurrent requests."
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A request's operation and the voice id of its path.
struct Route {
    var operation: FakeElevenLabs.Operation
    var voiceID: String?

    init(_ request: TestHTTPRequest) {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("GET", 2) where parts == ["v2", "voices"]: operation = .listVoices
        case ("GET", 2) where parts == ["v1", "models"]: operation = .listModels
        case ("GET", 3) where parts == ["v1", "user", "subscription"]: operation = .subscription
        case ("POST", 3) where parts[0] == "v1" && parts[1] == "speech-to-speech":
            operation = .convert
            voiceID = parts[2].removingPercentEncoding
        case ("POST", 4) where parts[0] == "v1" && parts[1] == "speech-to-speech" && parts[3] == "stream":
            operation = .convertStream
            voiceID = parts[2].removingPercentEncoding
        default: operation = .unknown
        }
    }
}
