import DubKitTestSupport
import Foundation

/// The VoiceDub OpenAPI document kept in the repository (docs/specs/voicedub-openapi.json), for
/// checking what the fake (or anything else) sends against the schemas of each operation.
public struct VoiceDubSpec: Sendable {
    /// Where the spec lives in the repository.
    public static let location = Fixtures.repository.appendingPathComponent("docs/specs/voicedub-openapi.json")

    /// The error body PROVIDERS.md gives for the statuses the spec itself does not describe:
    /// `{code, message}`, plus `errors: {params, query, body}` for `invalid_arguments`.
    public static let contractErrorSchema = JSONNode.parse(Data("""
        {"type": "object", "required": ["code", "message"], "properties": {
          "code": {"type": "string", "enum": ["invalid_arguments", "unauthorized", "not_enough_credits",
                   "not_found", "rate_limit_exceeded", "internal_error"]},
          "message": {"type": "string", "minLength": 1},
          "errors": {"type": "object", "required": ["params", "query", "body"], "properties": {
            "params": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "query": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "body": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}}
        """.utf8)) ?? .null

    /// The status each contract error code comes with (PROVIDERS.md).
    public static let contractErrorStatus = ["invalid_arguments": 400, "unauthorized": 401, "not_enough_credits": 403,
                                             "not_found": 404, "rate_limit_exceeded": 429, "internal_error": 500]

    /// The whole document.
    public let document: JSONNode

    /// Loads the spec from the repository; throws when it is missing or not JSON.
    public init(contentsOf url: URL = location) throws {
        struct NotJSON: Error, CustomStringConvertible {
            var description: String
        }
        guard let document = JSONNode.parse(try Data(contentsOf: url)) else {
            throw NotJSON(description: "\(url.path) is not JSON")
        }
        self.document = document
    }

    /// The operation with `operationID`: its path, method and description object.
    public func operation(_ operationID: String) -> (path: String, method: String, node: JSONNode)? {
        for (path, methods) in document["paths"]?.object ?? [:] {
            for (method, node) in methods.object ?? [:] where node["operationId"]?.string == operationID {
                return (path, method.uppercased(), node)
            }
        }
        return nil
    }

    /// The schema the spec gives for `status` answers of `operationID`, nil when it gives none.
    public func responseSchema(_ operationID: String, status: Int) -> JSONNode? {
        operation(operationID)?.node["responses"]?[String(status)]?["content"]?["application/json"]?["schema"]
    }

    /// Every way `body` (a `status` answer of `operationID`) breaks the spec; empty when it conforms.
    /// Error answers whose status the spec does not describe for the operation — or whose code is one
    /// of PROVIDERS.md's general ones — are checked against ``contractErrorSchema`` and its status table.
    public func problems(_ body: Data, operationID: String, status: Int) -> [String] {
        guard let value = JSONNode.parse(body) else { return ["$: not JSON"] }
        let validator = JSONSchemaValidator(root: document)
        if let code = value["code"]?.string, status >= 400, let expected = Self.contractErrorStatus[code] {
            let specific = responseSchema(operationID, status: status)
            if let specific, validator.problems(value, against: specific).isEmpty { return [] }
            var found = validator.problems(value, against: Self.contractErrorSchema)
            if expected != status { found.append("$.code: \(code) comes with \(expected), not \(status)") }
            if code == "invalid_arguments" && value["errors"] == nil { found.append("$: missing \"errors\"") }
            return found
        }
        guard let schema = responseSchema(operationID, status: status) else {
            return ["the spec has no \(status) answer for \(operationID)"]
        }
        return validator.problems(value, against: schema)
    }

    /// Every way the answers in `sent` break the spec, one line each naming the operation and status;
    /// empty when all conform. An answer to a path the API does not have must be `not_found`.
    public func problems(in sent: [FakeVoiceDub.SentResponse]) -> [String] {
        sent.flatMap { response -> [String] in
            let text = String(decoding: response.body, as: UTF8.self)
            guard let operationID = response.operation?.operationID else {
                return JSONNode.parse(response.body)?["code"]?.string == "not_found" ? [] : ["unknown path: \(text)"]
            }
            return problems(response.body, operationID: operationID, status: response.status)
                .map { "\(operationID) \(response.status): \($0) in \(text)" }
        }
    }
}
