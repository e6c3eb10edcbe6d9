import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import Foundation

/// The voice-convert service on 127.0.0.1 for tests (seed 001 and its section of PROVIDERS.md):
/// `POST /api/v2/voice/convert` validated field by field (Seed-VC ranges), the audio fetched from its
/// URLs, tasks that go `pending → processing → completed` with time, results that decode (the
/// source, stretched by `length_adjust`), 2 credits per started second of output charged on
/// completion and never for a failure, every call counted, faults injected per operation.
public final class FakeVoiceConvert: Sendable {
    public let options: Options
    let server: Locked<TestHTTPServer?> = Locked(nil)
    let state: Locked<State>
    let scratch: TemporaryDirectory
    let http: HTTPClient

    struct State {
        var calls: [Operation: Int] = [:]
        var faults = FaultQueues<Operation, Fault>()
        var tasks: [String: Task] = [:]
        var credits: Int64
        /// Statuses a task keeps until a read has shown them.
        var held: Set<String> = []
    }

    /// Starts the fake on a free port.
    public init(options: Options = Options()) throws {
        self.options = options
        state = Locked(State(credits: options.startingCredits))
        scratch = try TemporaryDirectory("fake-voiceconvert")
        http = try HTTPClient(configuration: .init(retryPolicy: .never))
        let server = try TestHTTPServer { [weak self] request in
            self?.handle(request) ?? .text("gone", status: 503)
        }
        self.server.withLock { $0 = server }
    }

    /// `http://127.0.0.1:PORT/`, what `VOICECONVERT_BASE_URL` is set to.
    public var baseURL: URL { url("/") }

    /// A URL on the fake.
    public func url(_ pathAndQuery: String) -> URL {
        server.current.map { $0.url(pathAndQuery) } ?? URL(fileURLWithPath: "/")
    }

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

    /// The task with this id.
    public func task(_ id: String) -> Task? { state.current.tasks[id] }

    /// Every task created, by creation time.
    public var tasks: [Task] { state.current.tasks.values.sorted { $0.createdAt < $1.createdAt } }

    /// The account's credits now.
    public var credits: Int64 { state.current.credits }

    /// From now on a task stays in each of `statuses` (`pending`, `processing`) until a read of the
    /// task has returned it, however long its stage lasts: for a test that must see the state, which a
    /// client polling at its own pace may otherwise miss.
    public func holdUntilRead(_ statuses: Set<String>) {
        state.withLock { $0.held = statuses }
    }

    /// Ends a task as `cancelled` (as if stopped on the service's side).
    public func cancel(_ id: String) { state.withLock { $0.tasks[id]?.cancelled = true } }

    /// Stops the server.
    public func stop() { server.withLock { $0?.stop(); $0 = nil } }

    // MARK: Handling

    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let operation: Operation
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 4) where parts == ["api", "v2", "voice", "convert"]: operation = .convert
        case ("GET", 4) where Array(parts.prefix(3)) == ["api", "v2", "tasks"]: operation = .getTask
        case ("GET", 3) where parts[0] == "oss": operation = .downloadAudio
        default: operation = .unknown
        }
        state.withLock { $0.calls[operation, default: 0] += 1 }
        if operation == .downloadAudio { return download(taskID: parts[1], request: request) }
        guard let auth = request.header("Authorization"), !auth.isEmpty else {
            return Self.error(401, "missing_api_key", "auth_error", "Missing API key: send Authorization: Bearer sk_…")
        }
        guard auth.lowercased().hasPrefix("bearer "), auth.dropFirst(7).trimmingCharacters(in: .whitespaces) == options.apiKey else {
            return Self.error(401, "invalid_api_key", "auth_error", "Invalid API key")
        }
        let fault = takeFault(operation)
        switch fault {
        case let .rateLimited(seconds)?:
            var response = Self.error(429, "rate_limit_exceeded", "rate_limit_error", "Too many requests")
            response.headers.append(("Retry-After", String(seconds)))
            return response
        case .serverError?: return Self.error(500, "internal_error", "api_error", "Internal error")
        case .dropConnection?: return .hangUp
        default: break
        }
        var failure: (String, String)?
        if case let .taskFails(code, message)? = fault { failure = (code, message) }
        var response: TestHTTPResponse
        switch operation {
        case .convert: response = convert(request, failure: failure)
        case .getTask: response = getTask(parts[3])
        case .downloadAudio, .unknown: response = Self.error(404, "not_found", "invalid_request_error", "No such route")
        }
        switch fault {
        case let .slow(duration)?: response.delay = Self.seconds(duration)
        case .dropAfterProcessing?: response = .hangUp
        default: break
        }
        return response
    }

    func takeFault(_ operation: Operation) -> Fault? {
        state.withLock { $0.faults.take(operation) }
    }

    /// An error answer: `{error: {code, type, message}}`.
    static func error(_ status: Int, _ code: String, _ type: String, _ message: String) -> TestHTTPResponse {
        .json(["error": ["code": code, "type": type, "message": message]], status: status)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
