import Foundation

/// What a request sends: nothing, bytes in memory, a file streamed from disk, or a multipart form.
public enum HTTPRequestBody: Sendable {
    /// No body.
    case empty
    /// Bytes held in memory, with their content type.
    case bytes(Data, contentType: String?)
    /// A file streamed from disk; its size is sent as Content-Length.
    case file(URL, contentType: String?)
    /// A multipart/form-data body whose file parts are streamed from disk.
    case multipart([MultipartPart])

    /// A JSON body encoded from `value`, sent as `application/json`.
    public static func json<Value: Encodable>(_ value: Value, encoder: JSONEncoder = JSONEncoder()) throws -> HTTPRequestBody {
        .bytes(try encoder.encode(value), contentType: "application/json")
    }
}
