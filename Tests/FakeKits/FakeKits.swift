import DubKitMedia
import DubKitTestSupport
import Foundation

/// A Kits.ai API on 127.0.0.1 for tests (seed 000 and the Kits section of PROVIDERS.md): voice models
/// in pages, multipart conversions validated field by field, statuses that move with time, signed
/// output URLs serving a WAV of the input, every call counted, faults injected per operation.
public final class FakeKits: Sendable {
    /// The prefix of every API path.
    public static let apiPath = "/api/kits/v1"
    public let options: Options
    let server: Locked<TestHTTPServer?> = Locked(nil)
    let state = Locked(State())
    /// Where uploaded sound files are written to be decoded.
    let scratch: TemporaryDirectory

    struct State {
        var calls: [Operation: Int] = [:]
        /// When each call arrived, in order.
        var arrivals: [(operation: Operation, id: Int64?, at: ContinuousClock.Instant)] = []
        var faults = FaultQueues<Operation, Fault>()
        var conversions: [Int64: Conversion] = [:]
        var nextID: Int64 = 1
        /// Every `every`-th API call is answered `delay` seconds late.
        var slowAnswers: (every: Int, delay: Double)?
        /// API calls so far (signed downloads not counted).
        var apiCalls = 0
    }

    /// Starts the fake on a free port.
    public init(options: Options = Options()) throws {
        self.options = options
        scratch = try TemporaryDirectory("fake-kits")
        let server = try TestHTTPServer { [weak self] request in
            self?.handle(request) ?? .text("gone", status: 503)
        }
        self.server.withLock { $0 = server }
    }

    /// `http://127.0.0.1:PORT/api/kits/v1`, what `KITS_BASE_URL` is set to.
    public var baseURL: URL { url(Self.apiPath) }

    /// A URL on the fake.
    public func url(_ pathAndQuery: String) -> URL {
        server.current.map { $0.url(pathAndQuery) } ?? URL(fileURLWithPath: "/")
    }

    /// Every request received, in order.
    public var requests: [TestHTTPRequest] { server.current?.requests ?? [] }

    /// Calls of `operation`, answered or not.
    public func calls(_ operation: Operation) -> Int { state.current.calls[operation] ?? 0 }

    /// When the calls of `operation` (of every operation but the signed output downloads, when nil)
    /// arrived (the kernel's receive time of their first byte, see ``TestHTTPRequest/arrivedAt``), in
    /// order of arrival, only those on conversion `id` when given: to check a client's pacing.
    public func callTimes(_ operation: Operation? = nil, id: Int64? = nil) -> [ContinuousClock.Instant] {
        state.current.arrivals.filter { call in
            (operation.map { call.operation == $0 } ?? (call.operation != .downloadOutput)) && (id == nil || call.id == id)
        }.map(\.at).sorted()
    }

    /// All calls of every operation.
    public var totalCalls: Int { state.current.calls.values.reduce(0, +) }

    /// Answers every `every`-th API call from now on `delay` late (handled at once), as a busy service does.
    public func delayAnswers(every: Int, by delay: Duration) {
        state.withLock {
            $0.slowAnswers = (max(1, every), Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            $0.apiCalls = 0
        }
    }

    /// How many answers were delayed by ``delayAnswers(every:by:)``.
    public var delayedAnswers: Int {
        state.withLock { state in state.slowAnswers.map { state.apiCalls / $0.every } ?? 0 }
    }

    /// Makes the next `times` calls of `operation` meet `fault`.
    public func inject(_ fault: Fault, on operation: Operation, times: Int = 1) {
        state.withLock { $0.faults.add(fault, on: operation, times: times) }
    }

    /// The conversion with this id.
    public func conversion(_ id: Int64) -> Conversion? { state.current.conversions[id] }

    /// Every conversion created, by id.
    public var conversionIDs: [Int64] { state.current.conversions.keys.sorted() }

    /// Ends a running conversion as `cancelled` (as if stopped on Kits's side).
    public func cancel(_ id: Int64) { state.withLock { $0.conversions[id]?.cancelled = true } }

    /// The generated catalogue.
    public var voiceModels: [VoiceModel] {
        (1...max(1, options.voiceModels)).map { index in
            let names = ["Aria", "Bram", "Cleo", "Dax", "Eve", "Finn", "Gia", "Hugo"]
            return VoiceModel(id: Int64(index), title: "\(names[index % names.count]) \(index)", isUsable: index % 7 != 0,
                              tags: index % 2 == 0 ? ["female", "pop"] : ["male", "rock"],
                              imageUrl: "https://cdn.kits.invalid/models/\(index).webp",
                              demoUrl: "https://cdn.kits.invalid/models/\(index).mp3")
        }
    }

    /// Stops the server.
    public func stop() { server.withLock { $0?.stop(); $0 = nil } }

    // MARK: Handling

    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let route = Route(request)
        let late = state.withLock { state -> Double in
            state.calls[route.operation, default: 0] += 1
            state.arrivals.append((route.operation, route.id, request.arrivedAt))
            guard route.operation != .downloadOutput, let slow = state.slowAnswers else { return 0 }
            state.apiCalls += 1
            return state.apiCalls % slow.every == 0 ? slow.delay : 0
        }
        if route.operation == .downloadOutput { return download(request, route: route) }
        var response = answerOrFault(request, route: route)
        response.delay += late
        return response
    }

    private func answerOrFault(_ request: TestHTTPRequest, route: Route) -> TestHTTPResponse {
        guard let auth = request.header("Authorization"), auth.lowercased().hasPrefix("bearer "),
              auth.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces) == options.apiKey else {
            return .text("Unauthorized", status: 401)
        }
        let fault = takeFault(route.operation)
        switch fault {
        case let .rateLimited(seconds)?:
            var response = TestHTTPResponse.text("Too many requests", status: 429)
            response.headers.append(("Retry-After", String(seconds)))
            return response
        case .serverError?: return .text("Internal Server Error", status: 500)
        case .dropConnection?: return .hangUp
        default: break
        }
        var response = answer(request, route: route, fails: fault == .conversionFails)
        switch fault {
        case let .slow(duration)?:
            response.delay = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        case .dropAfterProcessing?:
            response = .hangUp
        default: break
        }
        return response
    }

    func takeFault(_ operation: Operation) -> Fault? {
        state.withLock { $0.faults.take(operation) }
    }

    private func answer(_ request: TestHTTPRequest, route: Route, fails: Bool) -> TestHTTPResponse {
        switch route.operation {
        case .listVoiceModels: return listVoiceModels(request)
        case .getVoiceModel:
            guard let model = voiceModels.first(where: { $0.id == route.id }) else { return .text("Not Found", status: 404) }
            return .json(model)
        case .createConversion: return createConversion(request, fails: fails)
        case .listConversions: return listConversions(request)
        case .getConversion:
            guard let id = route.id, let conversion = state.current.conversions[id] else { return .text("Not Found", status: 404) }
            return .json((try? JSONSerialization.data(withJSONObject: json(conversion, withResult: true))) ?? Data())
        case .downloadOutput, .unknown: return .text("Not Found", status: 404)
        }
    }
}

/// A request's operation and path id.
struct Route {
    var operation: FakeKits.Operation
    var id: Int64?

    init(_ request: TestHTTPRequest) {
        let path = request.path
        let api = FakeKits.apiPath
        let rest = path.hasPrefix(api) ? String(path.dropFirst(api.count)) : ""
        let parts = rest.split(separator: "/").map(String.init)
        id = parts.count == 2 ? Int64(parts[1]) : nil
        switch (request.method, parts.first, parts.count) {
        case ("GET", "voice-models"?, 1): operation = .listVoiceModels
        case ("GET", "voice-models"?, 2): operation = .getVoiceModel
        case ("POST", "voice-conversions"?, 1): operation = .createConversion
        case ("GET", "voice-conversions"?, 1): operation = .listConversions
        case ("GET", "voice-conversions"?, 2): operation = .getConversion
        default:
            operation = request.method == "GET" && path.hasPrefix("/signed/") ? .downloadOutput : .unknown
            if operation == .downloadOutput { id = path.split(separator: "/").dropFirst().first.flatMap { Int64($0) } }
        }
    }
}
