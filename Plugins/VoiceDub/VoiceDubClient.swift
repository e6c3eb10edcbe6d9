import DubKitProviderKit
import DubKitHTTP
import Foundation

/// The VoiceDub HTTP API over the kit's ``ProviderAPI``, one method per operation of the spec:
/// `Authorization: Api-Key <key>` and JSON (presigned upload and download URLs get no key), one
/// attempt per call (the workflow decides when to try again, honouring a 429's wait), failures as
/// ``VoiceDubError``.
public struct VoiceDubClient: Sendable {
    /// The API's base URL (`https://api.voicedub.ai` or the `VOICEDUB_BASE_URL` override).
    public var baseURL: URL { api.baseURL }
    private let api: ProviderAPI<VoiceDubError>

    /// A client for `baseURL`; `key` is asked for on every request so a missing key only fails requests.
    /// `retry` is the HTTP layer's policy for result downloads (a dropped transfer goes on).
    public init(baseURL: URL, retry: RetryPolicy = .standard, log: (@Sendable (String) -> Void)? = nil,
                key: @escaping @Sendable () throws(VoiceDubError) -> String) throws {
        api = try ProviderAPI(baseURL: baseURL, variable: VoiceDubDescriptor.baseURLVariable, auth: .authorization("Api-Key"),
                              retry: retry, log: log, key: key)
    }

    // MARK: Account and catalogue

    /// `GET /v1/me`: the account's remaining API credits.
    public func me() async throws(VoiceDubError) -> VoiceDubMeResponse.User {
        try await api.call(.get, "v1/me", decoding: VoiceDubMeResponse.self).user
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
        return try await api.call(.get, "v1/voices", query: query, decoding: VoiceDubPublicVoicesResponse.self)
    }

    // MARK: Dubs

    /// `POST /v1/me/dubs`: creates a dub from a link, or one waiting for audio at `uploadUrl`.
    public func createDub(_ request: VoiceDubCreateDubRequest) async throws(VoiceDubError) -> VoiceDubCreateDubResponse {
        try await api.call(.post, "v1/me/dubs", body: try Self.json(request), decoding: VoiceDubCreateDubResponse.self)
    }

    /// `POST /v1/me/dubs/{dubId}/preprocess`.
    public func preprocess(dubID: String) async throws(VoiceDubError) -> VoiceDubDub {
        try await api.call(.post, "v1/me/dubs/\(try Self.segment(dubID))/preprocess", decoding: VoiceDubDubResponse.self).dub
    }

    /// `POST /v1/me/dubs/{dubId}/generate`: the paid step.
    public func generate(dubID: String) async throws(VoiceDubError) -> VoiceDubDub {
        try await api.call(.post, "v1/me/dubs/\(try Self.segment(dubID))/generate", decoding: VoiceDubDubResponse.self).dub
    }

    /// `GET /v1/me/dubs/{dubId}`.
    public func dub(_ dubID: String) async throws(VoiceDubError) -> VoiceDubDub {
        try await api.call(.get, "v1/me/dubs/\(try Self.segment(dubID))", decoding: VoiceDubDubResponse.self).dub
    }

    // MARK: Custom voices

    /// `POST /v1/me/voices`: a voice to train and one upload URL per training file.
    public func createVoice(_ request: VoiceDubCreateVoiceRequest) async throws(VoiceDubError) -> VoiceDubCreateVoiceResponse {
        try await api.call(.post, "v1/me/voices", body: try Self.json(request), decoding: VoiceDubCreateVoiceResponse.self)
    }

    /// `POST /v1/me/voices/{voiceId}/clone`: the paid step of training.
    public func clone(voiceID: String) async throws(VoiceDubError) -> VoiceDubVoice {
        try await api.call(.post, "v1/me/voices/\(try Self.segment(voiceID))/clone", decoding: VoiceDubVoiceResponse.self).voice
    }

    /// `GET /v1/me/voices/{voiceId}`.
    public func voice(_ voiceID: String) async throws(VoiceDubError) -> VoiceDubVoice {
        try await api.call(.get, "v1/me/voices/\(try Self.segment(voiceID))", decoding: VoiceDubVoiceResponse.self).voice
    }

    // MARK: Presigned transfers

    /// The operation named in the errors of an upload to a presigned URL (the storage's, not the API's).
    static let uploadOperation = "PUT upload URL"
    /// The operation named in the errors of a result download from `dubUrl` (the storage's, not the API's).
    static let downloadOperation = "GET dubUrl"

    /// PUTs a file to a presigned URL (no API key: the URL carries its own signature).
    public func upload(_ file: URL, to presigned: String, contentType: String) async throws(VoiceDubError) {
        let url = try api.signedURL(presigned, operation: Self.uploadOperation)
        _ = try await api.exchange(HTTPRequest(.put, url, body: .file(file, contentType: contentType), timeout: 0),
                                   operation: Self.uploadOperation)
    }

    /// Downloads a presigned result URL into `destination`, continuing from the bytes an earlier run left
    /// there (a stalled or cut-off download); an expired one is replaced once by the address `refreshed` reads.
    public func download(_ presigned: String, to destination: URL,
                         refreshed: () async throws(VoiceDubError) -> String?) async throws(VoiceDubError) {
        try await api.download(signed: presigned, to: destination, operation: Self.downloadOperation, continuing: true,
                               refreshed: refreshed)
    }

    // MARK: Internals

    private static func json(_ body: some Encodable) throws(VoiceDubError) -> HTTPRequestBody {
        do {
            return try .json(body)
        } catch {
            throw .invalidValue(field: "request body", value: "\(type(of: body))", allowed: "JSON-encodable values")
        }
    }

    /// A path segment for an id, refused when it could leave its place in the path.
    private static func segment(_ id: String) throws(VoiceDubError) -> String {
        guard VoiceDubDescriptor.isID(id) else {
            throw .invalidValue(field: "id", value: id.debugDescription, allowed: "a VoiceDub UUID")
        }
        return id
    }
}
