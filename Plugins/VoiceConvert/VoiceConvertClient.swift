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
        try await api.call(.post, "api/v2/voice/convert", json: request, decoding: VoiceConvertAccepted.self)
    }

    /// `GET /api/v2/tasks/{task_id}`.
    public func task(_ id: String) async throws(VoiceConvertError) -> VoiceConvertTask {
        guard !id.isEmpty, id.count <= 100, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalidResponse(operation: "GET /api/v2/tasks", detail: "task_id \(id.debugDescription) is not an id")
        }
        return try await api.call(.get, "api/v2/tasks/\(id)", decoding: VoiceConvertTask.self)
    }

    /// Downloads a result URL (no key sent: it is storage, not the API) into `destination`, resuming a cut
    /// transfer; an expired one is replaced once by the address `refreshed` reads again.
    public func download(_ address: String, to destination: URL, operation: String = "GET audioUrl",
                         refreshed: () async throws(VoiceConvertError) -> String? = { nil }) async throws(VoiceConvertError) {
        try await api.download(signed: address, to: destination, operation: operation, refreshed: refreshed)
    }
}
