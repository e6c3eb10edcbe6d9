import DubKitTestSupport
import Foundation

/// An error answer of the VoiceDub API: a status and a `{code, message}` body (plus `errors` for
/// `invalid_arguments`), as docs/specs/voicedub-openapi.json and PROVIDERS.md describe them.
struct VoiceDubAPIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var invalid: InvalidArguments?
    var retryAfterSeconds: Int?

    static func unauthorized() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 401, code: "unauthorized", message: "Invalid or missing API key")
    }

    static func notFound(_ what: String) -> VoiceDubAPIError {
        VoiceDubAPIError(status: 404, code: "not_found", message: "\(what) not found")
    }

    static func voiceNotFound() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 400, code: "voice_not_found", message: "Voice not found")
    }

    static func dubIsNotNew() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 400, code: "dub_is_not_new", message: "Dub is not in new status")
    }

    static func dubIsNotPreprocessed() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 400, code: "dub_is_not_in_preprocessed_state",
                         message: "Dub is not in preprocessed state")
    }

    static func voiceIsNotNew() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 400, code: "voice_is_not_new", message: "Voice is not in new status")
    }

    static func notEnoughCredits(required: Int64, left: Int64) -> VoiceDubAPIError {
        VoiceDubAPIError(status: 403, code: "not_enough_credits",
                         message: "Not enough API credits: \(required) required, \(left) left")
    }

    static func rateLimited(retryAfter: Int) -> VoiceDubAPIError {
        VoiceDubAPIError(status: 429, code: "rate_limit_exceeded", message: "Rate limit exceeded",
                         retryAfterSeconds: retryAfter)
    }

    static func internalError() -> VoiceDubAPIError {
        VoiceDubAPIError(status: 500, code: "internal_error", message: "Internal server error")
    }

    static func invalidArguments(_ invalid: InvalidArguments) -> VoiceDubAPIError {
        VoiceDubAPIError(status: 400, code: "invalid_arguments", message: "Invalid arguments", invalid: invalid)
    }

    /// The JSON body.
    var body: JSONNode {
        var members: [String: JSONNode] = ["code": .string(code), "message": .string(message)]
        if let invalid { members["errors"] = invalid.node }
        return .object(members)
    }

    /// The answer to send.
    var response: TestHTTPResponse {
        var response = TestHTTPResponse.json(body.data, status: status)
        if let retryAfterSeconds { response.headers.append(("Retry-After", String(retryAfterSeconds))) }
        return response
    }
}

/// What was wrong with a request, per place (path `params`, `query`, `body`) and field, as the
/// `errors` member of a 400 `invalid_arguments` body: `{params: {field: [messages]}, query: {…}, body: {…}}`.
struct InvalidArguments: Sendable {
    enum Place: String, Sendable { case params, query, body }

    private(set) var problems: [Place: [String: [String]]] = [:]

    var isEmpty: Bool { problems.values.allSatisfy(\.isEmpty) }

    mutating func add(_ place: Place, _ field: String, _ message: String) {
        problems[place, default: [:]][field, default: []].append(message)
    }

    /// Throws `invalid_arguments` when anything was added.
    func check() throws(VoiceDubAPIError) {
        if !isEmpty { throw .invalidArguments(self) }
    }

    var node: JSONNode {
        var members: [String: JSONNode] = [:]
        for place in [Place.params, .query, .body] {
            let fields = problems[place] ?? [:]
            members[place.rawValue] = .object(fields.mapValues { .array($0.map(JSONNode.string)) })
        }
        return .object(members)
    }
}
