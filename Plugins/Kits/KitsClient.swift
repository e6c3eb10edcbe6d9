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
        return try await api.call(.get, "voice-models", query: query, decoding: KitsPage<KitsVoiceModel>.self)
    }

    /// `GET /voice-conversions`: one page of the account's conversions, newest first.
    public func conversions(page: Int = 1, perPage: Int = 20) async throws(KitsError) -> KitsPage<KitsInferenceJob> {
        try await api.call(.get, "voice-conversions", query: [
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
        // A 100 MB upload on a slow line takes long: no overall limit on the POST (stalls still end it).
        return try await api.call(.post, "voice-conversions", body: .multipart(parts), timeout: 0, decoding: KitsInferenceJob.self)
    }

    /// `GET /voice-conversions/{id}`.
    public func conversion(_ id: Int64) async throws(KitsError) -> KitsInferenceJob {
        try await api.call(.get, "voice-conversions/\(id)", decoding: KitsInferenceJob.self)
    }

    /// Downloads a signed result URL (no key sent) into `destination`, resuming a dropped transfer; an
    /// expired one is replaced once by the address `refreshed` reads again.
    public func download(_ signed: String, to destination: URL,
                         refreshed: () async throws(KitsError) -> String? = { nil }) async throws(KitsError) {
        try await api.download(signed: signed, to: destination, operation: "GET outputFileUrl", refreshed: refreshed)
    }
}
