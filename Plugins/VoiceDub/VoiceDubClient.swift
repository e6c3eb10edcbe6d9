import DubKitHTTP
import Foundation

/// The VoiceDub HTTP API, one method per operation of the spec, over DubKitHTTP.
///
/// Requests carry `Authorization: Api-Key <key>` and JSON; presigned upload and download URLs get no
/// key. GETs and PUTs are retried on 429/5xx/dropped connections (honouring `Retry-After`); POSTs only
/// after a 429, which the server answers without acting. Failures become ``VoiceDubError``.
public struct VoiceDubClient: Sendable {
    /// The API's base URL (`https://api.voicedub.ai` or the `VOICEDUB_BASE_URL` override).
    public let baseURL: URL
    private let key: @Sendable () throws(VoiceDubError) -> String
    private let http: HTTPClient
    private let retry: RetryPolicy
    private let rateLimit = RateLimitWindow()

    /// A client for `baseURL`; `key` is asked for on every request so a missing key only fails requests.
    public init(baseURL: URL, retry: RetryPolicy = RetryPolicy(retriesRateLimitedWrites: true),
                log: (@Sendable (String) -> Void)? = nil,
                key: @escaping @Sendable () throws(VoiceDubError) -> String) throws {
        self.baseURL = baseURL
        self.key = key
        self.retry = retry
        http = try HTTPClient(configuration: HTTPClient.Configuration(retryPolicy: retry, log: log))
    }

    // MARK: Account and catalogue

    /// `GET /v1/me`: the account's remaining API credits.
    public func me() async throws(VoiceDubError) -> VoiceDubMeResponse.User {
        try await call(.get, "/v1/me", decoding: VoiceDubMeResponse.self).user
    }

    /// `GET /v1/voices`: one page of public voices; arrays are sent as repeated parameters.
    public func publicVoices(search: String?, genres: [String], languages: [String], styles: [String],
                             limit: Int?, cursor: String?) async throws(VoiceDubError) -> VoiceDubPublicVoicesResponse {
        var query: [URLQueryItem] = []
        if let search { query.append(URLQueryItem(name: "search", value: search)) }
        query += genres.map { URLQueryItem(name: "genres", value: $0) }
        query += languages.map { URLQueryItem(name: "languages", value: $0) }
        query += styles.map { URLQueryItem(name: "styles", value: $0) }
        if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
        if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
        return try await call(.get, "/v1/voices", query: query, decoding: VoiceDubPublicVoicesResponse.self)
    }

    // MARK: Dubs

    /// `POST /v1/me/dubs`: creates a dub from a link, or one waiting for audio at `uploadUrl`.
    public func createDub(_ request: VoiceDubCreateDubRequest) async throws(VoiceDubError) -> VoiceDubCreateDubResponse {
        try await call(.post, "/v1/me/dubs", body: request, decoding: VoiceDubCreateDubResponse.self)
    }

    /// `POST /v1/me/dubs/{dubId}/preprocess`.
    public func preprocess(dubID: String) async throws(VoiceDubError) -> VoiceDubDub {
        try await call(.post, "/v1/me/dubs/\(try Self.segment(dubID))/preprocess", decoding: VoiceDubDubResponse.self).dub
    }

    /// `POST /v1/me/dubs/{dubId}/generate`: the paid step.
    public func generate(dubID: String) async throws(VoiceDubError) -> VoiceDubDub {
        try await call(.post, "/v1/me/dubs/\(try Self.segment(dubID))/generate", decoding: VoiceDubDubResponse.self).dub
    }

    /// `GET /v1/me/dubs/{dubId}`; `retry` overrides the client's policy (polls pass `.never`, so that
    /// every read of a job goes through the caller's pacing).
    public func dub(_ dubID: String, retry: RetryPolicy? = nil) async throws(VoiceDubError) -> VoiceDubDub {
        try await call(.get, "/v1/me/dubs/\(try Self.segment(dubID))", retry: retry, decoding: VoiceDubDubResponse.self).dub
    }

    // MARK: Custom voices

    /// `POST /v1/me/voices`: a voice to train and one upload URL per training file.
    public func createVoice(_ request: VoiceDubCreateVoiceRequest) async throws(VoiceDubError) -> VoiceDubCreateVoiceResponse {
        try await call(.post, "/v1/me/voices", body: request, decoding: VoiceDubCreateVoiceResponse.self)
    }

    /// `POST /v1/me/voices/{voiceId}/clone`: the paid step of training.
    public func clone(voiceID: String) async throws(VoiceDubError) -> VoiceDubVoice {
        try await call(.post, "/v1/me/voices/\(try Self.segment(voiceID))/clone", decoding: VoiceDubVoiceResponse.self).voice
    }

    /// `GET /v1/me/voices/{voiceId}`; `retry` as for ``dub(_:retry:)``.
    public func voice(_ voiceID: String, retry: RetryPolicy? = nil) async throws(VoiceDubError) -> VoiceDubVoice {
        try await call(.get, "/v1/me/voices/\(try Self.segment(voiceID))", retry: retry, decoding: VoiceDubVoiceResponse.self).voice
    }

    // MARK: Presigned transfers

    /// PUTs a file to a presigned URL (no API key: the URL carries its own signature).
    public func upload(_ file: URL, to presigned: String, contentType: String) async throws(VoiceDubError) {
        let operation = "PUT upload URL"
        guard let url = WebAddress.url(presigned) else {
            throw .invalidResponse(operation: operation, detail: "the upload URL is not an http(s) URL")
        }
        do {
            _ = try await http.send(HTTPRequest(.put, url, body: .file(file, contentType: contentType), timeout: 0))
        } catch {
            throw Self.map(error, operation: operation, presigned: true)
        }
    }

    /// Downloads a presigned result URL into `destination`, resuming a dropped transfer, and continuing
    /// from the bytes an earlier run left in `destination` (a stalled or cut-off download).
    public func download(_ presigned: String, to destination: URL) async throws(VoiceDubError) {
        let operation = "GET dubUrl"
        guard let url = WebAddress.url(presigned) else {
            throw .invalidResponse(operation: operation, detail: "dubUrl is not an http(s) URL")
        }
        do {
            _ = try await http.download(HTTPRequest(.get, url), to: destination, continuing: true)
        } catch {
            throw Self.map(error, operation: operation, presigned: true)
        }
    }

    // MARK: Internals

    private struct NoBody: Encodable {}

    private func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                        retry: RetryPolicy? = nil, decoding: Value.Type) async throws(VoiceDubError) -> Value {
        try await call(method, path, query: query, body: Optional<NoBody>.none, retry: retry, decoding: decoding)
    }

    private func call<Body: Encodable, Value: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [], body: Body?, retry: RetryPolicy? = nil,
        decoding: Value.Type
    ) async throws(VoiceDubError) -> Value {
        let operation = "\(method.rawValue) \(path)"
        guard var components = URLComponents(url: baseURL.appendingPathComponent(String(path.dropFirst()), isDirectory: false),
                                             resolvingAgainstBaseURL: false) else {
            throw .invalidValue(field: "VOICEDUB_BASE_URL", value: baseURL.absoluteString, allowed: "an http(s) URL")
        }
        if !query.isEmpty { components.queryItems = query }
        guard let url = components.url else {
            throw .invalidValue(field: "request URL", value: path, allowed: "a valid URL")
        }
        var headers = HTTPHeaders()
        headers.set("Authorization", "Api-Key \(try key())")
        headers.set("Accept", "application/json")
        var requestBody = HTTPRequestBody.empty
        if let body {
            do {
                requestBody = try .json(body)
            } catch {
                throw .invalidValue(field: "request body", value: "\(Body.self)", allowed: "JSON-encodable values")
            }
        }
        await rateLimit.waitIfExhausted()
        let response: HTTPResponse
        do {
            response = try await http.send(HTTPRequest(method, url, headers: headers, body: requestBody), retry: retry ?? self.retry)
        } catch {
            throw Self.map(error, operation: operation)
        }
        await rateLimit.record(response.headers)
        do {
            return try response.decode(Value.self)
        } catch {
            throw .invalidResponse(operation: operation, detail: "\(Value.self) expected: \(error)")
        }
    }

    /// A path segment for an id, refused when it could leave its place in the path.
    private static func segment(_ id: String) throws(VoiceDubError) -> String {
        guard !id.isEmpty, id.count <= 100, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalidValue(field: "id", value: id.debugDescription, allowed: "a VoiceDub UUID")
        }
        return id
    }

    /// The typed error for a failed request, from the status and the `{code, message}` body.
    /// A `presigned` transfer's failures are the storage's, not the API's: its bodies are not `{code, message}`.
    static func map(_ error: any Error, operation: String, presigned: Bool = false) -> VoiceDubError {
        if let error = error as? VoiceDubError { return error }
        guard let error = error as? HTTPError else {
            return .unreachable(operation: operation, detail: "\(error)")
        }
        switch error {
        case let .status(_, _, code, body):
            return map(status: code, body: body, operation: operation, presigned: presigned)
        case let .retriesExhausted(_, _, attempts, last):
            if case let .status(_, _, code, body) = last {
                return map(status: code, body: body, operation: "\(operation) (\(attempts) attempts)", presigned: presigned)
            }
            return .unreachable(operation: operation, detail: "\(attempts) attempts; last: \(last.errorDescription ?? "")")
        case let .fileError(path, message):
            return .localFile(operation: operation, path: path, message: message)
        case .connectionFailed, .timeout, .stalled, .answerLost, .tlsFailure, .cancelled, .invalidResponse:
            return .unreachable(operation: operation, detail: error.errorDescription ?? "\(error)")
        case .redirectRefused:
            return .invalidResponse(operation: operation, detail: error.errorDescription ?? "\(error)")
        case let .tooLarge(_, _, _, size):
            return .unexpected(operation: operation, status: 0, code: "too_large", message: "\(size) bytes is more than allowed")
        }
    }

    /// The typed error for an HTTP status and the start of its body.
    static func map(status: Int, body: String, operation: String, presigned: Bool = false) -> VoiceDubError {
        if presigned {
            let detail = body.isEmpty ? "no details" : body
            if (500..<600).contains(status) { return .internalError(operation: operation, status: status, message: detail) }
            return .unexpected(operation: operation, status: status, code: "http_\(status)", message: detail)
        }
        let parsed = errorBody(body)
        let message = parsed?.message ?? (body.isEmpty ? "no details" : body)
        switch (status, parsed?.code) {
        case (_, "invalid_arguments"?): return .invalidArguments(operation: operation, message: message, details: parsed?.errors)
        case (_, "voice_not_found"?): return .voiceNotFound(operation: operation, message: message)
        case (_, "dub_is_not_new"?): return .dubIsNotNew(operation: operation, message: message)
        case (_, "dub_is_not_in_preprocessed_state"?): return .dubNotPreprocessed(operation: operation, message: message)
        case (_, "voice_is_not_new"?): return .voiceIsNotNew(operation: operation, message: message)
        case (_, "not_found"?), (404, nil): return .notFound(operation: operation, message: message)
        case (_, "unauthorized"?), (401, nil): return .unauthorized(operation: operation, message: message)
        case (_, "not_enough_credits"?), (403, nil): return .notEnoughCredits(operation: operation, required: nil, available: nil, message: message)
        case (_, "rate_limit_exceeded"?), (429, nil): return .rateLimited(operation: operation, retryAfter: nil, message: message)
        case (_, "internal_error"?), (500..<600, nil): return .internalError(operation: operation, status: status, message: message)
        case let (_, code):
            if (500..<600).contains(status) { return .internalError(operation: operation, status: status, message: message) }
            return .unexpected(operation: operation, status: status, code: code ?? "http_\(status)", message: message)
        }
    }

    /// The `{code, message}` of an error body; the body may have been cut short, so the two fields are
    /// also looked for as text.
    private static func errorBody(_ body: String) -> VoiceDubErrorBody? {
        if let parsed = try? JSONDecoder().decode(VoiceDubErrorBody.self, from: Data(body.utf8)) { return parsed }
        guard let code = field("code", in: body) else { return nil }
        return VoiceDubErrorBody(code: code, message: field("message", in: body) ?? "")
    }

    private static func field(_ name: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: "\"\(name)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\""),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range]).replacingOccurrences(of: "\\\"", with: "\"")
    }
}

/// Honours `X-RateLimit-Remaining`/`X-RateLimit-Reset`: when a response says none are left, the next
/// request waits for the reset (at most a minute).
actor RateLimitWindow {
    private var resumeAt: Date?

    func record(_ headers: HTTPHeaders) {
        guard let remaining = headers["X-RateLimit-Remaining"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              remaining <= 0,
              let reset = headers["X-RateLimit-Reset"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
        else { return }
        resumeAt = min(Date(timeIntervalSince1970: reset), Date().addingTimeInterval(60))
    }

    func waitIfExhausted() async {
        guard let until = resumeAt else { return }
        resumeAt = nil
        let seconds = until.timeIntervalSinceNow
        if seconds > 0 { try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }
}
