import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The Cartesia HTTP API over DubKitHTTP: the key as `Authorization: Bearer` (masked in every log
/// line), `Cartesia-Version` on every request, one attempt per call (the workflow decides when to try
/// again), failures as ``CartesiaError``.
public struct CartesiaClient: Sendable {
    /// The API's base URL (`https://api.cartesia.ai` or the `CARTESIA_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<CartesiaError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<CartesiaError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, log: log)
    }

    // MARK: Voices

    /// `GET /voices`: one page; `startingAfter` is the previous page's `next_page` (or last id).
    public func voices(limit: Int, startingAfter: String?, gender: String? = nil) async throws(CartesiaError) -> CartesiaPage<CartesiaVoice> {
        var query = [URLQueryItem(name: "limit", value: String(limit))]
        if let startingAfter { query.append(URLQueryItem(name: "starting_after", value: startingAfter)) }
        if let gender { query.append(URLQueryItem(name: "gender", value: gender)) }
        return try await call(.get, "voices", query: query, decoding: CartesiaPage<CartesiaVoice>.self)
    }

    // MARK: Voice changer

    /// `POST /voice-changer/bytes`: sends `clip` with the conversion's fields and writes the answer's
    /// audio to `destination` as it arrives; `observe` sees each chunk once it is on disk.
    public func changeVoice(_ conversion: CartesiaConversion, clip: URL, contentType: String, to destination: URL,
                            observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil) async throws(CartesiaError) -> HTTPHeaders {
        try await post(conversion, path: "voice-changer/bytes", clip: clip, contentType: contentType, accept: "audio/*",
                       to: destination, observe: observe)
    }

    /// `POST /voice-changer/sse`: the answer's events are written to `destination` as they arrive and
    /// handed to `observe` (which decodes them); the caller reads the stream's outcome from its decoder.
    public func changeVoiceStream(_ conversion: CartesiaConversion, clip: URL, contentType: String, to destination: URL,
                                  observe: @escaping @Sendable (UnsafeRawBufferPointer, Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        try await post(conversion, path: "voice-changer/sse", clip: clip, contentType: contentType, accept: "text/event-stream",
                       to: destination, observe: observe)
    }

    private func post(_ conversion: CartesiaConversion, path: String, clip: URL, contentType: String, accept: String,
                      to destination: URL, observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)?) async throws(CartesiaError) -> HTTPHeaders {
        let operation = "POST /\(path)"
        let parts = [MultipartPart.file("clip", clip, contentType: contentType)]
            + conversion.formFields.map { MultipartPart.text($0.0, $0.1) }
        // A conversion of a long input may take minutes: no overall limit on the POST.
        let request = try makeRequest(.post, path, query: [], body: .multipart(parts), accept: accept, timeout: 0)
        return try await api.exchange(request, operation: operation, to: destination, observe: observe).headers
    }

    // MARK: Datasets and fine-tunes

    /// `POST /datasets` `{name, description}`.
    public func createDataset(name: String, description: String) async throws(CartesiaError) -> CartesiaDataset {
        try await call(.post, "datasets", body: CartesiaCreateDataset(name: name, description: description), decoding: CartesiaDataset.self)
    }

    /// `GET /datasets/{id}/files`: one page of the files uploaded so far.
    public func datasetFiles(_ datasetID: String, startingAfter: String?) async throws(CartesiaError) -> CartesiaPage<CartesiaDatasetFile> {
        var query = [URLQueryItem(name: "limit", value: "100")]
        if let startingAfter { query.append(URLQueryItem(name: "starting_after", value: startingAfter)) }
        return try await call(.get, "datasets/\(try Self.segment(datasetID))/files", query: query,
                              decoding: CartesiaPage<CartesiaDatasetFile>.self)
    }

    /// `POST /datasets/{id}/files`: multipart `file` (named `filename`) and `purpose=fine_tune`; 204 on success.
    public func uploadDatasetFile(_ datasetID: String, file: URL, filename: String, contentType: String) async throws(CartesiaError) {
        let path = "datasets/\(try Self.segment(datasetID))/files"
        let operation = "POST /\(path)"
        let parts = [MultipartPart.file("file", file, filename: filename, contentType: contentType), .text("purpose", "fine_tune")]
        let request = try makeRequest(.post, path, query: [], body: .multipart(parts), accept: "application/json", timeout: 0)
        _ = try await api.exchange(request, operation: operation)
    }

    /// `POST /fine-tunes`: the paid step of a training.
    public func createFineTune(_ body: CartesiaCreateFineTune) async throws(CartesiaError) -> CartesiaFineTune {
        try await call(.post, "fine-tunes", body: body, decoding: CartesiaFineTune.self)
    }

    /// `GET /fine-tunes/{id}`.
    public func fineTune(_ id: String) async throws(CartesiaError) -> CartesiaFineTune {
        try await call(.get, "fine-tunes/\(try Self.segment(id))", decoding: CartesiaFineTune.self)
    }

    /// `GET /fine-tunes`: one page of the account's fine-tunes.
    public func fineTunes(startingAfter: String?) async throws(CartesiaError) -> CartesiaPage<CartesiaFineTune> {
        var query = [URLQueryItem(name: "limit", value: "100")]
        if let startingAfter { query.append(URLQueryItem(name: "starting_after", value: startingAfter)) }
        return try await call(.get, "fine-tunes", query: query, decoding: CartesiaPage<CartesiaFineTune>.self)
    }

    /// `GET /fine-tunes/{id}/voices`: the voices a completed fine-tune made.
    public func fineTuneVoices(_ id: String) async throws(CartesiaError) -> CartesiaPage<CartesiaVoice> {
        try await call(.get, "fine-tunes/\(try Self.segment(id))/voices", query: [URLQueryItem(name: "limit", value: "100")],
                       decoding: CartesiaPage<CartesiaVoice>.self)
    }

    // MARK: Internals

    private func makeRequest(_ method: HTTPMethod, _ path: String, query: [URLQueryItem], body: HTTPRequestBody,
                             accept: String, timeout: Double? = nil) throws(CartesiaError) -> HTTPRequest {
        let url = try api.url(path, query: query)
        var headers = HTTPHeaders()
        headers.set("Authorization", "Bearer \(try api.key())")
        headers.set("Cartesia-Version", CartesiaDescriptor.apiVersion)
        headers.set("Accept", accept)
        // A request without an overall limit is a conversion or an upload the service works on before
        // answering: its answer may take the processing stall limit (10 × DUBKIT_STALL_TIMEOUT) to begin.
        return HTTPRequest(method, url, headers: headers, body: body, timeout: timeout,
                           stallTimeout: timeout == 0 ? NetworkBounds.current.processingStallTimeout : nil)
    }

    private func call<Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                        decoding: Value.Type) async throws(CartesiaError) -> Value {
        try await call(method, path, query: query, body: Optional<CartesiaCreateDataset>.none, decoding: decoding)
    }

    private func call<Body: Encodable, Value: Decodable>(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [],
                                                         body: Body?, decoding: Value.Type) async throws(CartesiaError) -> Value {
        let operation = "\(method.rawValue) /\(path)"
        let encoded: HTTPRequestBody
        do {
            encoded = try body.map { try HTTPRequestBody.json($0) } ?? .empty
        } catch {
            throw .invalidValue(field: "request body", value: "\(Body.self)", allowed: "JSON-encodable values")
        }
        let request = try makeRequest(method, path, query: query, body: encoded, accept: "application/json")
        return try await api.call(request, operation: operation, decoding: Value.self)
    }

    /// An id as one path segment: refused when it could leave its place in the URL.
    static func segment(_ id: String) throws(CartesiaError) -> String {
        guard !id.isEmpty, id.count <= 128, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .invalidValue(field: "id", value: id.debugDescription, allowed: "a Cartesia id (letters, digits, - and _)")
        }
        return id
    }

    /// The typed error for a status, its body (`{error_code, title, message, request_id}` or plain
    /// text) and its `Retry-After`. A code about credits or quota decides before the HTTP status.
    static func map(status: Int, body: String, retryAfter: String?, operation: String) -> CartesiaError {
        let parsed = body.data(using: .utf8).flatMap { try? JSONDecoder().decode(CartesiaErrorBody.self, from: $0) }
        let structured = parsed.map { $0.errorCode != nil || $0.message != nil || $0.title != nil } ?? false
        let code = parsed?.errorCode ?? Self.defaultCode(status)
        var text = structured ? [parsed?.title, parsed?.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ") : body
        if let request = parsed?.requestID, !request.isEmpty { text += " (request id \(request))" }
        let message = CartesiaError.summary(text)
        let lowered = code.lowercased()
        if status == 402 || lowered.contains("quota") || lowered.contains("credit") || lowered.contains("insufficient") {
            return .quotaExceeded(operation: operation, status: status, code: code, message: message)
        }
        switch status {
        case 401:
            return .unauthorized(operation: operation, code: code, message: message)
        case 403 where lowered.contains("key") || lowered.contains("auth"):
            return .unauthorized(operation: operation, code: code, message: message)
        case 404: return .notFound(operation: operation, code: code, message: message)
        case 400, 422: return .unprocessable(operation: operation, status: status, code: code, message: message)
        case 429:
            return .rateLimited(operation: operation, code: code, retryAfter: retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) },
                                message: message)
        case 500..<600: return .server(operation: operation, status: status, code: code, message: message)
        default: return .rejected(operation: operation, status: status, code: code, message: message)
        }
    }

    /// Cartesia's code when the body names none (older versions answer plain text).
    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 401: "unauthorized"
        case 402: "payment_required"
        case 404: "not_found"
        case 400: "bad_request"
        case 422: "unprocessable_entity"
        case 429: "concurrency_limited"
        case 500..<600: "server_error"
        default: "http_\(status)"
        }
    }
}
