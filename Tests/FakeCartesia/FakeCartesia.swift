import DubKitTestSupport
import Foundation

/// The Cartesia API on 127.0.0.1 for tests (seed 003, the Cartesia section of PROVIDERS.md and
/// docs/providers.md): the voice library in `starting_after` pages; the voice changer (bytes and SSE)
/// with every field and the container rules checked, the clip decoded and the answer encoded for
/// real in the asked output format, characters charged and concurrency limited; datasets with their
/// files measured on upload; fine-tunes walking created → training → completed (or failed) on the
/// clock, refused under 30 minutes of audio, making a voice when they complete. Every request must
/// carry the key as `Authorization: Bearer` and a known `Cartesia-Version`; every call is counted and
/// faults are injected per operation.
public final class FakeCartesia: Sendable {
    public let options: Options
    let server: Locked<TestHTTPServer?> = Locked(nil)
    let state: Locked<State>
    /// Where uploads are written to be decoded, and answers are encoded.
    let scratch: TemporaryDirectory

    /// The API versions accepted in `Cartesia-Version`.
    public static let versions = ["2024-06-10", "2024-11-13", "2025-04-16"]
    /// The base models a fine-tune may start from.
    public static let models = ["sonic-2", "sonic-turbo"]
    /// Fine-tune languages.
    public static let languages = ["en", "de", "es", "fr", "ja", "pt", "zh", "hi", "it", "ko", "nl", "pl", "ru", "sv", "tr"]
    /// Audio formats a dataset file may have, by file name extension.
    public static let datasetFormats = ["wav", "mp3", "flac", "ogg", "oga", "ogx", "aac", "wma", "m4a", "opus", "ac3", "webm"]
    /// A fine-tune needs this much audio in its dataset.
    public static let minimumDatasetSeconds = 1800.0
    /// What a completed fine-tune costs.
    public static let fineTuneCredits: Int64 = 1_000_000

    struct State {
        var calls: [Operation: Int] = [:]
        var faults = FaultQueues<Operation, Fault>()
        var conversions: [Conversion] = []
        var creditsUsed: Int64 = 0
        var inFlight = 0
        var mostInFlight = 0
        /// Holds back the last event (or chunk) of voice changer answers until it returns true.
        var streamGate: (@Sendable () -> Bool)?
        var datasets: [Dataset] = []
        /// Uploads received per dataset and file name (a second upload of a name is a duplicate).
        var uploads: [String: [String: Int]] = [:]
        var fineTunes: [FineTune] = []
        var ownVoices: [Voice] = []
        var failNextFineTunes = 0
        var nextID = 1
    }

    /// Starts the fake on a free port.
    public init(options: Options = Options()) throws {
        self.options = options
        state = Locked(State())
        scratch = try TemporaryDirectory("fake-cartesia")
        let server = try TestHTTPServer { [weak self] request in
            self?.handle(request) ?? .text("gone", status: 503)
        }
        self.server.withLock { $0 = server }
    }

    /// `http://127.0.0.1:PORT`, what `CARTESIA_BASE_URL` is set to.
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

    /// Makes the next `count` fine-tunes created end `failed` instead of `completed`.
    public func failNextFineTunes(_ count: Int = 1) {
        state.withLock { $0.failNextFineTunes += count }
    }

    /// Holds back the last event of every voice changer answer until `gate` returns true (the server
    /// gives up after 10 s and drops the connection).
    public func holdStreamEnd(until gate: @escaping @Sendable () -> Bool) {
        state.withLock { $0.streamGate = gate }
    }

    /// Every conversion answered, in order.
    public var conversions: [Conversion] { state.current.conversions }

    /// Credits used so far (conversions and completed fine-tunes).
    public var creditsUsed: Int64 { state.current.creditsUsed }

    /// The most conversions that were being worked on at once.
    public var mostConcurrentConversions: Int { state.current.mostInFlight }

    /// The datasets, in creation order.
    public var datasets: [Dataset] { state.current.datasets }

    /// The fine-tunes, in creation order.
    public var fineTunes: [FineTune] { state.current.fineTunes }

    /// How many times each file name was uploaded into dataset `id`.
    public func uploads(in id: String) -> [String: Int] { state.current.uploads[id] ?? [:] }

    /// The generated public library.
    public var library: [Voice] {
        let names = ["Barbershop Man", "Sweet Lady", "Newsman", "Calm Narrator", "Storyteller", "Sportscaster", "Teacher", "Pilot"]
        let languages = ["en", "en", "en", "es", "fr", "de"]
        let genders = ["masculine", "feminine", "gender_neutral"]
        return (1...max(1, options.voices)).map { index in
            Voice(id: Self.hex(index &* 2_654_435 % 0xffff_ffff, 8) + "-a1b2-4c3d-8e4f-" + Self.hex(index, 12),
                  name: "\(names[index % names.count]) \(index)", description: "A \(genders[index % genders.count]) voice for reading",
                  language: languages[index % languages.count], gender: genders[index % genders.count], isOwner: false)
        }
    }

    /// Every voice `GET /voices` lists: the account's own (made by fine-tunes) first, then the library.
    public var voices: [Voice] { state.current.ownVoices + library }

    /// Stops the server.
    public func stop() { server.withLock { $0?.stop(); $0 = nil } }

    // MARK: Handling

    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let route = FakeCartesiaRoute(request)
        state.withLock { $0.calls[route.operation, default: 0] += 1 }
        guard let authorization = request.header("Authorization") else {
            return error(401, "unauthorized", "Unauthorized", "No API key was sent: set the Authorization header to Bearer <key>.")
        }
        guard authorization == "Bearer \(options.apiKey)" else {
            return error(401, "invalid_api_key", "Invalid API key", "The API key is not valid.")
        }
        guard let version = request.header("Cartesia-Version") else {
            return error(400, "missing_version", "Missing version", "The Cartesia-Version header is required, e.g. 2025-04-16.")
        }
        guard Self.versions.contains(version) else {
            return error(400, "invalid_version", "Invalid version",
                         "Cartesia-Version \(version) is not one of \(Self.versions.joined(separator: ", ")).")
        }
        let fault = takeFault(route.operation)
        switch fault {
        case .unauthorized?: return error(401, "invalid_api_key", "Invalid API key", "The API key is not valid.")
        case .quotaExceeded?:
            return error(402, "insufficient_credits", "Insufficient credits",
                         "You have \(max(0, options.credits - creditsUsed)) credits left, not enough for this request.")
        case let .unprocessable(field, message)?: return error(422, "invalid_request", "Invalid \(field)", message)
        case let .concurrencyLimited(seconds)?: return busy(retryAfter: seconds)
        case .serverError?: return error(500, "internal_server_error", "Internal server error", "Something went wrong on our side.")
        case .dropConnection?: return .hangUp
        default: break
        }
        var chunkDelay = Self.seconds(options.streamChunkDelay)
        if case let .slowStream(delay)? = fault { chunkDelay = Self.seconds(delay) }
        let response: TestHTTPResponse
        switch route.operation {
        case .listVoices: response = listVoices(request)
        case .changeVoiceBytes, .changeVoiceSSE:
            response = changeVoice(request, streamed: route.operation == .changeVoiceSSE, chunkDelay: chunkDelay,
                                   failMidStream: fault == .streamError)
        case .createDataset: response = createDataset(request)
        case .listDatasets: response = listDatasets(request)
        case .getDataset: response = getDataset(route.id ?? "")
        case .listDatasetFiles: response = listDatasetFiles(request, id: route.id ?? "")
        case .uploadDatasetFile: response = uploadDatasetFile(request, id: route.id ?? "")
        case .createFineTune: response = createFineTune(request)
        case .listFineTunes: response = listFineTunes(request)
        case .getFineTune: response = getFineTune(route.id ?? "")
        case .listFineTuneVoices: response = listFineTuneVoices(route.id ?? "")
        case .unknown: response = error(404, "not_found", "Not found", "No route \(request.method) \(request.path).")
        }
        // The request took effect; the client never hears of it.
        if fault == .dropAfterEffect { return .hangUp }
        return response
    }

    func takeFault(_ operation: Operation) -> Fault? {
        state.withLock { $0.faults.take(operation) }
    }

    /// An error answer: `{error_code, title, message, request_id}`, or the message as plain text.
    func error(_ status: Int, _ code: String, _ title: String, _ message: String) -> TestHTTPResponse {
        switch options.errorStyle {
        case .plainText:
            return .text(message, status: status)
        case .json:
            let body = ["error_code": code, "title": title, "message": message, "request_id": "req_\(UUID().uuidString.lowercased().prefix(12))"]
            return .json((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data(), status: status)
        }
    }

    func busy(retryAfter: Int?) -> TestHTTPResponse {
        var response = error(429, "concurrency_limited", "Concurrency limit reached",
                             "You have reached your concurrency limit of \(options.maxConcurrentRequests) requests; upgrade your plan for more.")
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }

    /// A JSON answer from an object of plain values.
    static func json(_ object: Any, status: Int = 200) -> TestHTTPResponse {
        .json((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), status: status)
    }

    /// A page of `items` after the one whose id is `startingAfter` (nil when that id is unknown).
    static func page<Item>(_ items: [Item], id: (Item) -> String, limit: Int, startingAfter: String?) -> (items: [Item], hasMore: Bool)? {
        var start = 0
        if let startingAfter {
            guard let index = items.firstIndex(where: { id($0) == startingAfter }) else { return nil }
            start = index + 1
        }
        let end = min(items.count, start + limit)
        return (Array(items[start..<end]), end < items.count)
    }

    /// `limit` of a list request: 1...100, default 10; nil when it is not.
    static func limit(_ request: TestHTTPRequest) -> Int? {
        guard let text = request.query("limit") else { return 10 }
        guard let value = Int(text), (1...100).contains(value) else { return nil }
        return value
    }

    func makeID(_ prefix: String) -> String {
        state.withLock { state in
            defer { state.nextID += 1 }
            return "\(prefix)_\(String(format: "%06d", state.nextID))\(UUID().uuidString.lowercased().prefix(8))"
        }
    }

    /// `value` in lowercase hexadecimal, zero-padded to `width` digits.
    static func hex(_ value: Int, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func timestamp(_ date: Date = Date()) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A request's operation and the id of its path.
struct FakeCartesiaRoute {
    var operation: FakeCartesia.Operation
    var id: String?

    init(_ request: TestHTTPRequest) {
        let parts = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        switch (request.method, parts.count) {
        case ("GET", 1) where parts == ["voices"]: operation = .listVoices
        case ("POST", 2) where parts == ["voice-changer", "bytes"]: operation = .changeVoiceBytes
        case ("POST", 2) where parts == ["voice-changer", "sse"]: operation = .changeVoiceSSE
        case ("POST", 1) where parts == ["datasets"]: operation = .createDataset
        case ("GET", 1) where parts == ["datasets"]: operation = .listDatasets
        case ("GET", 2) where parts[0] == "datasets":
            operation = .getDataset
            id = parts[1]
        case ("GET", 3) where parts[0] == "datasets" && parts[2] == "files":
            operation = .listDatasetFiles
            id = parts[1]
        case ("POST", 3) where parts[0] == "datasets" && parts[2] == "files":
            operation = .uploadDatasetFile
            id = parts[1]
        case ("POST", 1) where parts == ["fine-tunes"]: operation = .createFineTune
        case ("GET", 1) where parts == ["fine-tunes"]: operation = .listFineTunes
        case ("GET", 2) where parts[0] == "fine-tunes":
            operation = .getFineTune
            id = parts[1]
        case ("GET", 3) where parts[0] == "fine-tunes" && parts[2] == "voices":
            operation = .listFineTuneVoices
            id = parts[1]
        default: operation = .unknown
        }
    }
}
