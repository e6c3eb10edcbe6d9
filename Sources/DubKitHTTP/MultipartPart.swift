import Foundation

/// One field of a multipart/form-data body; its name is sent verbatim (e.g. `voice[id]`).
public struct MultipartPart: Sendable {
    /// Where a part's content comes from.
    public enum Content: Sendable {
        /// A text value.
        case text(String)
        /// Bytes held in memory.
        case bytes(Data)
        /// A file streamed from disk when the request is sent.
        case file(URL)
    }

    /// The form field name, sent exactly as given.
    public var name: String
    /// The content.
    public var content: Content
    /// The file name announced to the server, if any.
    public var filename: String?
    /// The part's content type, if any.
    public var contentType: String?

    /// A text field.
    public static func text(_ name: String, _ value: String) -> MultipartPart {
        MultipartPart(name: name, content: .text(value), filename: nil, contentType: nil)
    }

    /// A file part streamed from disk; `filename` defaults to the file's own name.
    public static func file(_ name: String, _ url: URL, filename: String? = nil,
                            contentType: String? = "application/octet-stream") -> MultipartPart {
        MultipartPart(name: name, content: .file(url), filename: filename ?? url.lastPathComponent,
                      contentType: contentType)
    }

    /// A file part from bytes in memory.
    public static func bytes(_ name: String, _ data: Data, filename: String,
                             contentType: String? = "application/octet-stream") -> MultipartPart {
        MultipartPart(name: name, content: .bytes(data), filename: filename, contentType: contentType)
    }
}
