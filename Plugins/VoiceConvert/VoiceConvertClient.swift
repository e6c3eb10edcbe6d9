import DubKit
import DubKitHTTP
import Foundation

/// The voice-convert HTTP API over DubKitHTTP: `Authorization: Bearer <key>`, JSON, one attempt per
/// call (the workflow decides when to try again, honouring a 429's `Retry-After`), failures as
/// ``VoiceConvertError``.
public struct VoiceConvertClient: Sendable {
    /// The API's base URL (`https://api.aiclonevoicefree.com` or the `VOICECONVERT_BASE_URL` override).
    public let baseURL: URL
    private let key: @Sendable () throws(VoiceConvertError) -> String
    private let http: HTTPClient

    /// A client for `baseURL`; `key` is asked for on every request so a missing key only fails requests.
    public init(baseURL: URL, log: (@Sendable (String) -> Void)? = nil,
                key: @escaping @Sendable () throws(VoiceConvertError) -> String) throws {
        self.baseURL = baseURL
        self.key = key
        http = try HTTPClient(configuration: HTTPClient.Configuration(retryPolicy: .standard, log: log))
    }

    /// `POST /api/v2/voice/convert`: queues a conversion and answers its task id.
    public func convert(_ request: VoiceConvertRequest) async throws(VoiceConvertError) -> VoiceConvertAccepted {
        let body: HTTPRequestBody
        do {
            body = try .json(request)
        } catch {
            throw .invalidValue(field: "request body", value: "\(request)", allowed: "JSON-encodable values")
        }
        return try await call(.post, "api/v2/voice/convert", body: body, decoding: VoiceConvertAccepted.self)
    }

    /// `GET /api/v2/tasks/{task_id}`.
    public func task(_ id: String) async throws(VoiceConvertError) -> VoiceConvertTask {
        guard !id.isEmpty, id.count <= 100, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalidResponse(operation: "GET /api/v2/tasks", detail: "task_id \(id.debugDescription) is not an id")
        }
        return try await call(.get, "api/v2/tasks/\(id)", decoding: VoiceConvertTask.self)
    }

    /// Downloads a result URL (no key sent: it is storage, not the API) into `destination`, resuming a cut transfer.
    public func download(_ address: String, to destination: URL, operation: String = "GET audioUrl") async throws(VoiceConvertError) {
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
            throw .invalidResponse(operation: operation, detail: "\(address) is not an http(s) URL")
        }
        do {
            _ = try await http.download(HTTPRequest(.get, url), to: destination)
        } catch let error as HTTPError {
            if let status = error.statusCode {
                throw Self.map(status: status, body: "", retryAfter: nil, operation: operation)
            }
            throw .unreachable(operation: operation, detail: error.errorDescription ?? "\(error)")
        } catch {
            throw .unreachable(operation: operation, detail: "\(error)")
        }
    }

    private func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, body: HTTPRequestBody = .empty,
                                        decoding: Value.Type) async throws(VoiceConvertError) -> Value {
        let operation = "\(method.rawValue) /\(path)"
        let url = baseURL.appendingPathComponent(path)
        var headers = HTTPHeaders()
        headers.set("Authorization", "Bearer \(try key())")
        headers.set("Accept", "application/json")
        let response: HTTPResponse
        do {
            response = try await http.exchange(HTTPRequest(method, url, headers: headers, body: body))
        } catch let error as HTTPError {
            throw .noAnswer(error, operation: operation, detail: error.errorDescription ?? "\(error)")
        } catch {
            throw .unreachable(operation: operation, detail: "\(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw Self.map(status: response.status, body: response.text, retryAfter: response.headers["Retry-After"],
                           operation: operation)
        }
        do {
            return try response.decode(Value.self)
        } catch {
            throw .invalidResponse(operation: operation, detail: "\(Value.self) expected: \(error)")
        }
    }

    /// The typed error for a status, its body (`{error: {code, type, message}}` or text) and `Retry-After`.
    static func map(status: Int, body: String, retryAfter: String?, operation: String) -> VoiceConvertError {
        let parsed = body.data(using: .utf8).flatMap { try? JSONDecoder().decode(VoiceConvertErrorBody.self, from: $0) }?.detail
        let code = parsed?.code ?? "http_\(status)"
        let message = summary(parsed?.message ?? body)
        switch status {
        case 401: return .unauthorized(operation: operation, code: parsed?.code ?? "unauthorized", message: message)
        case 402: return .insufficientCredits(operation: operation, message: message)
        case 404: return .notFound(operation: operation, message: message)
        case 400, 422: return .rejected(operation: operation, status: status, code: code, message: message)
        case 429: return .rateLimited(operation: operation, retryAfter: retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) },
                                      message: message)
        case 500..<600: return .server(operation: operation, status: status, message: message)
        default: return .unexpected(operation: operation, status: status, code: code, message: message)
        }
    }

    private static func summary(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return "(no details)" }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
