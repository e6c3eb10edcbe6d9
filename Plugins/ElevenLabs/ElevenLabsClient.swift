import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The ElevenLabs HTTP API over the kit's ``ProviderAPI``: the key in `xi-api-key` (masked in every log
/// line), one attempt per call (the workflow decides when to try again), failures as ``ElevenLabsError``.
public struct ElevenLabsClient: Sendable {
    /// The API's base URL (`https://api.elevenlabs.io` or the `ELEVENLABS_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<ElevenLabsError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<ElevenLabsError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, auth: .header("xi-api-key"), log: log)
    }

    /// `GET /v2/voices`: one page of the voices the account can use; `pageToken` is the previous page's
    /// `next_page_token`.
    public func voices(pageSize: Int, search: String?, pageToken: String?) async throws(ElevenLabsError) -> ElevenLabsVoicePage {
        var query = [URLQueryItem(name: "page_size", value: String(pageSize))]
        if let search, !search.isEmpty { query.append(URLQueryItem(name: "search", value: search)) }
        if let pageToken { query.append(URLQueryItem(name: "next_page_token", value: pageToken)) }
        query.append(URLQueryItem(name: "include_total_count", value: "true"))
        return try await api.call(.get, "v2/voices", query: query, decoding: ElevenLabsVoicePage.self)
    }

    /// `GET /v1/models`: every model, with what each can do.
    public func models() async throws(ElevenLabsError) -> [ElevenLabsModel] {
        try await api.call(.get, "v1/models", decoding: [ElevenLabsModel].self)
    }

    /// `GET /v1/user/subscription`: the plan's characters used and allowed.
    public func subscription() async throws(ElevenLabsError) -> ElevenLabsSubscription {
        try await api.call(.get, "v1/user/subscription", decoding: ElevenLabsSubscription.self)
    }

    /// `POST /v1/speech-to-speech/{voice_id}` (or `…/stream`): sends `audio` with the conversion's fields
    /// and writes the answer's audio bytes to `destination` as they arrive; `observe` sees each chunk
    /// once it is on disk (with its offset). Answers the response headers.
    public func convert(_ conversion: ElevenLabsConversion, audio: URL, contentType: String, to destination: URL,
                        observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil) async throws(ElevenLabsError) -> HTTPHeaders {
        let path = "v1/speech-to-speech/\(conversion.voiceID)" + (conversion.stream ? "/stream" : "")
        let parts = [MultipartPart.file("audio", audio, contentType: contentType)]
            + conversion.formFields.map { MultipartPart.text($0.0, $0.1) }
        // A conversion of 5 minutes of audio may take minutes: no overall limit on the POST, and its
        // answer may take the processing stall limit (10 × DUBKIT_STALL_TIMEOUT) to begin.
        let request = try api.request(.post, path, query: conversion.query, body: .multipart(parts), accept: "audio/*",
                                      timeout: 0, stallTimeout: NetworkBounds.current.processingStallTimeout)
        return try await api.exchange(request, operation: conversion.operation, to: destination, observe: observe).headers
    }
}
