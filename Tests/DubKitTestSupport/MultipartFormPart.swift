import Foundation

/// One part of a received multipart/form-data body; its bytes are read from the body on demand.
public struct MultipartFormPart: Sendable {
    /// The field name exactly as sent (brackets and all).
    public let name: String
    /// The file name, for file parts.
    public let filename: String?
    /// The part's Content-Type, if sent.
    public let contentType: String?
    /// How many bytes the part's content has.
    public let length: Int
    let source: TestHTTPBodySource
    let offset: Int

    /// The content (read whole; use ``forEachChunk(size:_:)`` for large parts).
    public var bytes: Data { source.read(offset: offset, count: length) }

    /// The content as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands the content over in pieces of at most `size` bytes, so large parts never sit in memory.
    public func forEachChunk(size: Int = 1 << 20, _ body: (Data) throws -> Void) rethrows {
        var position = 0
        while position < length {
            let piece = source.read(offset: offset + position, count: min(size, length - position))
            if piece.isEmpty { return }
            try body(piece)
            position += piece.count
        }
    }
}
