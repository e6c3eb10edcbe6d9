import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The ElevenLabs HTTP API over DubKitHTTP: the key in `xi-api-key` (masked in every log line), one
/// attempt per call (the workflow decides when to try again), failures as ``ElevenLabsError``.
public struct ElevenLabsClient: Sendable {
    /// The API's base URL (`https://api.elevenlabs.io` or the `ELEVENLABS_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<ElevenLabsError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<ElevenLabsError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, log: log)
    }

    /// `GET /v2/voices`: one page of the voices the account can use; `pageToken` is the previous page's
    /// `next_page_token`.
    public func voices(pageSize: Int, search: String?, pageToken: String?) async throws(ElevenLabsError) -> ElevenLabsVoicePage {
        var query = [URLQueryItem(name: "page_size", value: String(pageSize))]
        if let search, !search.isEmpty { query.append(URLQueryItem(name: "search", value: search)) }
        if let pageToken { query.append(URLQueryItem(name: "next_page_token", value: pageToken)) }
        query.append(URLQueryItem(name: "include_total_count", value: "true"))
        return try await call("v2/voices", query: query, decoding: ElevenLabsVoicePage.self)
    }

    /// `GET /v1/models`: every model, with what each can do.
    public func models() async throws(ElevenLabsError) -> [ElevenLabsModel] {
        try await call("v1/models", decoding: [ElevenLabsModel].self)
    }

    /// `GET /v1/user/subscription`: the plan's characters used and allowed.
    public func subscription() async throws(ElevenLabsError) -> ElevenLabsSubscription {
        try await call("v1/user/subscription", decoding: ElevenLabsSubscription.self)
    }

    /// `POST /v1/speech-to-speech/{voice_id}` (or `…/stream`): sends `audio` with the conversion's fields
    /// and writes the answer's audio bytes to `destination` as they arrive; `observe` sees each chunk
    /// once it is on disk (with its offset). Answers the response headers.
    public func convert(_ conversion: ElevenLabsConversion, audio: URL, contentType: String, to destination: URL,
                        observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil) async throws(ElevenLabsError) -> HTTPHeaders {
        let path = "v1/speech-to-speech/\(conversion.voiceID)" + (conversion.stream ? "/stream" : "")
        let operation = conversion.operation
        let parts = [MultipartPart.file("audio", audio, contentType: contentType)]
            + conversion.formFields.map { MultipartPart.text($0.0, $0.1) }
        let request = try makeRequest(.post, path, query: conversion.query, body: .multipart(parts), accept: "audio/*")
        return try await api.exchange(request, operation: operation, to: destination, observe: observe).headers
    }

    private func makeRequest(_ method: HTTPMethod, _ path: String, query: [URLQueryItem], body: HTTPRequestBody,
                             accept: String) throws(ElevenLabsError) -> HTTPRequest {
        let url = try api.url(path, query: query)
        var headers = HTTPHeaders()
        headers.set("xi-api-key", try api.key())
        headers.set("Accept", accept)
        // A conversion of 5 minutes of audio may take minutes: no overall limit on the POST, and its
        // answer may take the processing stall limit (10 × DUBKIT_STALL_TIMEOUT) to begin.
        return HTTPRequest(method, url, headers: headers, body: body, timeout: method == .post ? 0 : nil,
                           stallTimeout: method == .post ? NetworkBounds.current.processingStallTimeout : nil)
    }

    private func call<Value: Decodable>(_ path: String, query: [URLQueryItem] = [], decoding: Value.Type) async throws(ElevenLabsError) -> Value {
        let operation = "GET /\(path)"
        let request = try makeRequest(.get, path, query: query, body: .empty, accept: "application/json")
        return try await api.call(request, operation: operation, decoding: Value.self)
    }

    /// The typed error for a status, its body (`{detail: {status, message}}`, `{detail: [{loc, msg,
    /// type}]}` or text) and its `Retry-After`. ElevenLabs's own `status` decides before the HTTP code:
    /// `quota_exceeded` comes as a 401, like a wrong key, and means something else.
    static func map(status: Int, body: String, retryAfter: String?, operation: String) -> ElevenLabsError {
        let parsed = body.data(using: .utf8).flatMap { try? JSONDecoder().decode(ElevenLabsErrorBody.self, from: $0) }
        let code = parsed?.status ?? "http_\(status)"
        let message = ElevenLabsError.summary(parsed?.message ?? (parsed?.problems.isEmpty == false ? "" : body))
        switch (status, code) {
        case (_, "quota_exceeded"): return .quotaExceeded(operation: operation, status: status, message: message)
        case (_, "voice_not_found"): return .voiceNotFound(operation: operation, status: status, message: message)
        case (401, _): return .unauthorized(operation: operation, code: parsed?.status ?? "invalid_api_key", message: message)
        case (422, _):
            let problems = parsed?.problems.map { problem in
                [problem.location, problem.msg ?? problem.type ?? ""].filter { !$0.isEmpty }.joined(separator: ": ")
            }.joined(separator: "; ")
            return .unprocessable(operation: operation, problems: ElevenLabsError.summary(problems.flatMap { $0.isEmpty ? nil : $0 } ?? message))
        case (429, _):
            return .rateLimited(operation: operation, code: parsed?.status ?? "too_many_requests",
                                retryAfter: retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) }, message: message)
        case (500..<600, _): return .server(operation: operation, status: status, message: message)
        default: return .rejected(operation: operation, status: status, code: code, message: message)
        }
    }
}
