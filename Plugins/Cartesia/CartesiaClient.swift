import DubKit
import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The Cartesia HTTP API over the kit's ``ProviderAPI``: the key as `Authorization: Bearer` (masked in
/// every log line), `Cartesia-Version` on every request, one attempt per call (the workflow decides when
/// to try again), failures as ``CartesiaError``.
public struct CartesiaClient: Sendable {
    /// The API's base URL (`https://api.cartesia.ai` or the `CARTESIA_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<CartesiaError>

    /// A client for the API `configuration` places; its key is asked for on every request so a missing
    /// key only fails requests.
    public init(_ configuration: ProviderConfiguration<CartesiaError>, log: (@Sendable (String) -> Void)? = nil) throws {
        api = try ProviderAPI(configuration, headers: ["Cartesia-Version": CartesiaDescriptor.apiVersion], log: log)
    }

    // MARK: Voices

    /// `GET /voices`: one page; `startingAfter` is the previous page's `next_page` (or last id).
    public func voices(limit: Int, startingAfter: String?, gender: String? = nil) async throws(CartesiaError) -> CartesiaPage<CartesiaVoice> {
        var query = Self.page(limit: limit, after: startingAfter)
        if let gender { query.append(URLQueryItem(name: "gender", value: gender)) }
        return try await api.call(.get, "voices", query: query, decoding: CartesiaPage<CartesiaVoice>.self)
    }

    // MARK: Voice changer

    /// `POST /voice-changer/bytes`: sends `clip` with the conversion's fields and writes the answer's
    /// audio to `destination` as it arrives; `written` sees the audio bytes on disk so far.
    func changeVoice(_ conversion: CartesiaConversion, clip: URL, contentType: String, to destination: URL,
                     written: @escaping @Sendable (Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        let request = try conversionRequest(conversion, clip: clip, contentType: contentType, accept: "audio/*")
        return try await api.exchange(request, operation: conversion.operation, to: destination) { chunk, offset in
            written(offset + Int64(chunk.count))
        }.headers
    }

    /// `POST /voice-changer/sse`: the answer's events are decoded as they arrive (their raw text in
    /// `scratch` meanwhile) and their audio written to `destination`; `written` sees the audio bytes so far.
    func changeVoiceStream(_ conversion: CartesiaConversion, clip: URL, contentType: String, to destination: URL, scratch: URL,
                           written: @escaping @Sendable (Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        let request = try conversionRequest(conversion, clip: clip, contentType: contentType, accept: "text/event-stream")
        let operation = conversion.operation
        return try await api.exchangeAudioEvents(request, operation: operation, audio: destination, scratch: scratch,
                                                 progress: written, read: CartesiaStreamEvent.read) { failure in
            .streamFailed(operation: operation, status: failure.status, code: failure.code, message: CartesiaError.summary(failure.message))
        }
    }

    /// The voice changer's POST: `clip` and the conversion's fields. A conversion of a long input may
    /// take minutes: no overall limit, and its answer may take the processing stall limit to begin.
    private func conversionRequest(_ conversion: CartesiaConversion, clip: URL, contentType: String,
                                   accept: String) throws(CartesiaError) -> HTTPRequest {
        let parts = [MultipartPart.file("clip", clip, contentType: contentType)]
            + conversion.formFields.map { MultipartPart.text($0.0, $0.1) }
        return try api.request(.post, conversion.stream ? "voice-changer/sse" : "voice-changer/bytes", body: .multipart(parts),
                               accept: accept, timeout: 0, stallTimeout: NetworkBounds.current.processingStallTimeout)
    }

    // MARK: Datasets and fine-tunes

    /// `POST /datasets` `{name, description}`.
    public func createDataset(name: String, description: String) async throws(CartesiaError) -> CartesiaDataset {
        try await api.call(.post, "datasets", json: CartesiaCreateDataset(name: name, description: description), decoding: CartesiaDataset.self)
    }

    /// `GET /datasets/{id}/files`: one page of the files uploaded so far.
    public func datasetFiles(_ datasetID: String, startingAfter: String?) async throws(CartesiaError) -> CartesiaPage<CartesiaDatasetFile> {
        try await api.call(.get, "datasets/\(try Self.segment(datasetID))/files", query: Self.page(limit: 100, after: startingAfter),
                           decoding: CartesiaPage<CartesiaDatasetFile>.self)
    }

    /// `POST /datasets/{id}/files`: multipart `file` (named `filename`) and `purpose=fine_tune`; 204 on
    /// success. No overall limit: the service works on the file before it answers.
    public func uploadDatasetFile(_ datasetID: String, file: URL, filename: String, contentType: String) async throws(CartesiaError) {
        let path = "datasets/\(try Self.segment(datasetID))/files"
        let parts = [MultipartPart.file("file", file, filename: filename, contentType: contentType), .text("purpose", "fine_tune")]
        let request = try api.request(.post, path, body: .multipart(parts), timeout: 0,
                                      stallTimeout: NetworkBounds.current.processingStallTimeout)
        _ = try await api.exchange(request, operation: "POST /\(path)")
    }

    /// `POST /fine-tunes`: the paid step of a training.
    public func createFineTune(_ body: CartesiaCreateFineTune) async throws(CartesiaError) -> CartesiaFineTune {
        try await api.call(.post, "fine-tunes", json: body, decoding: CartesiaFineTune.self)
    }

    /// `GET /fine-tunes/{id}`.
    public func fineTune(_ id: String) async throws(CartesiaError) -> CartesiaFineTune {
        try await api.call(.get, "fine-tunes/\(try Self.segment(id))", decoding: CartesiaFineTune.self)
    }

    /// `GET /fine-tunes`: one page of the account's fine-tunes.
    public func fineTunes(startingAfter: String?) async throws(CartesiaError) -> CartesiaPage<CartesiaFineTune> {
        try await api.call(.get, "fine-tunes", query: Self.page(limit: 100, after: startingAfter), decoding: CartesiaPage<CartesiaFineTune>.self)
    }

    /// `GET /fine-tunes/{id}/voices`: the voices a completed fine-tune made.
    public func fineTuneVoices(_ id: String) async throws(CartesiaError) -> CartesiaPage<CartesiaVoice> {
        try await api.call(.get, "fine-tunes/\(try Self.segment(id))/voices", query: Self.page(limit: 100, after: nil),
                           decoding: CartesiaPage<CartesiaVoice>.self)
    }

    // MARK: Internals

    /// A list's query: `limit`, and `starting_after` the previous page's cursor.
    private static func page(limit: Int, after cursor: String?) -> [URLQueryItem] {
        [URLQueryItem(name: "limit", value: String(limit))] + (cursor.map { [URLQueryItem(name: "starting_after", value: $0)] } ?? [])
    }

    /// An id as one path segment: refused when it could leave its place in the URL.
    static func segment(_ id: String) throws(CartesiaError) -> String {
        guard CartesiaAdapter.isVoiceID(id) else {
            throw .invalidValue(field: "id", value: id.debugDescription, allowed: "a Cartesia id (letters, digits, - and _)")
        }
        return id
    }
}
