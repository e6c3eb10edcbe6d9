import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The Kits.ai HTTP API over the kit's ``ProviderAPI``: `Authorization: Bearer <key>`, the HTTP layer's
/// standard retries (the workflow decides when to try a step again, honouring a 429's `Retry-After`),
/// failures as ``KitsError``.
public struct KitsClient: Sendable {
    /// The API's base URL (`https://arpeggi.io/api/kits/v1` or the `KITS_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<KitsError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<KitsError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, retry: .standard, log: log)
    }

    /// `GET /voice-models`: one page of voice models (pages count from 1).
    public func voiceModels(page: Int, perPage: Int, myModels: Bool = false) async throws(KitsError) -> KitsPage<KitsVoiceModel> {
        var query = [URLQueryItem(name: "page", value: String(page)), URLQueryItem(name: "perPage", value: String(perPage))]
        if myModels { query.append(URLQueryItem(name: "myModels", value: "true")) }
        return try await call(.get, "voice-models", query: query, decoding: KitsPage<KitsVoiceModel>.self)
    }

    /// `GET /voice-conversions`: one page of the account's conversions, newest first.
    public func conversions(page: Int = 1, perPage: Int = 20) async throws(KitsError) -> KitsPage<KitsInferenceJob> {
        try await call(.get, "voice-conversions", query: [
            URLQueryItem(name: "order", value: "desc"), URLQueryItem(name: "page", value: String(page)),
            URLQueryItem(name: "perPage", value: String(perPage)),
        ], decoding: KitsPage<KitsInferenceJob>.self)
    }

    /// `POST /voice-conversions`: the multipart form that creates (and queues) a conversion.
    public func createConversion(soundFile: URL, fields: [(String, String)]) async throws(KitsError) -> KitsInferenceJob {
        let contentType = switch soundFile.pathExtension.lowercased() {
        case "mp3": "audio/mpeg"
        case "flac": "audio/flac"
        default: "audio/wav"
        }
        let parts = fields.map { MultipartPart.text($0.0, $0.1) } + [.file("soundFile", soundFile, contentType: contentType)]
        return try await call(.post, "voice-conversions", body: .multipart(parts), decoding: KitsInferenceJob.self)
    }

    /// `GET /voice-conversions/{id}`.
    public func conversion(_ id: Int64) async throws(KitsError) -> KitsInferenceJob {
        try await call(.get, "voice-conversions/\(id)", decoding: KitsInferenceJob.self)
    }

    /// Downloads a signed result URL (no key sent) into `destination`, resuming a dropped transfer.
    public func download(_ signed: String, to destination: URL) async throws(KitsError) {
        let operation = "GET outputFileUrl"
        guard let url = WebAddress.url(signed) else {
            throw .invalidResponse(operation: operation, detail: "outputFileUrl is not an http(s) URL")
        }
        try await api.download(url, to: destination, operation: operation)
    }

    private func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                        body: HTTPRequestBody = .empty, decoding: Value.Type) async throws(KitsError) -> Value {
        var headers = HTTPHeaders()
        headers.set("Authorization", "Bearer \(try api.key())")
        headers.set("Accept", "application/json")
        let request = HTTPRequest(method, try api.url(path, query: query), headers: headers, body: body, timeout: method == .post ? 0 : nil)
        return try await api.call(request, operation: "\(method.rawValue) /\(path)", decoding: Value.self)
    }

    /// The typed error for a status, the start of its body and its `Retry-After`.
    static func map(status: Int, body: String, retryAfter: String?, operation: String) -> KitsError {
        let message = summary(body)
        switch status {
        case 401: return .unauthorized(operation: operation, message: message)
        case 403: return .forbidden(operation: operation, message: message)
        case 404: return .notFound(operation: operation, message: message)
        case 422: return .unprocessable(operation: operation, message: message)
        case 429: return .rateLimited(operation: operation, retryAfter: retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) },
                                      message: message)
        case 500..<600: return .server(operation: operation, status: status, message: message)
        default: return .unexpected(operation: operation, status: status, message: message)
        }
    }

    /// A body on one line, at most 200 characters; the `message` of a JSON body when it has one.
    static func summary(_ body: String) -> String {
        var text = body
        if let data = body.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let errors = object["errors"] as? [[String: Any]], !errors.isEmpty {
                text = errors.map { error in
                    [error["field"] as? String, error["message"] as? String].compactMap { $0 }.joined(separator: ": ")
                }.joined(separator: "; ")
            } else {
                text = (object["message"] as? String) ?? (object["error"] as? String) ?? body
            }
        }
        text = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return "(no details)" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
