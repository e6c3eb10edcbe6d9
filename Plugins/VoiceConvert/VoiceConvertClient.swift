import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The voice-convert HTTP API over the kit's ``ProviderAPI``: `Authorization: Bearer <key>`, JSON, the
/// HTTP layer's standard retries (the workflow decides when to try a step again, honouring a 429's
/// `Retry-After`), failures as ``VoiceConvertError``.
public struct VoiceConvertClient: Sendable {
    /// The API's base URL (`https://api.aiclonevoicefree.com` or the `VOICECONVERT_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<VoiceConvertError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<VoiceConvertError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, retry: .standard, log: log)
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
        try await api.download(url, to: destination, operation: operation)
    }

    private func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, body: HTTPRequestBody = .empty,
                                        decoding: Value.Type) async throws(VoiceConvertError) -> Value {
        var headers = HTTPHeaders()
        headers.set("Authorization", "Bearer \(try api.key())")
        headers.set("Accept", "application/json")
        let request = HTTPRequest(method, try api.url(path), headers: headers, body: body)
        return try await api.call(request, operation: "\(method.rawValue) /\(path)", decoding: Value.self)
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
