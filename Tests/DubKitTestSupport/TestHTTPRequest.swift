import Foundation

/// A request as a ``TestHTTPServer`` received it. Large bodies are kept in a file, not in memory.
public struct TestHTTPRequest: Sendable {
    /// The method, e.g. "POST".
    public let method: String
    /// The request target as sent (path and query).
    public let target: String
    /// The path without the query.
    public let path: String
    /// The query parameters in order, names and values percent-decoded.
    public let queryItems: [URLQueryItem]
    /// Header fields in wire order.
    public let headers: [(name: String, value: String)]
    /// When its first byte reached the server's host: the kernel's receive time, so it is where the
    /// client's send put it, not where a busy machine let the server's thread read it.
    public let arrivedAt: ContinuousClock.Instant
    /// Where the body is kept.
    let bodySource: TestHTTPBodySource

    init(method: String, target: String, headers: [(name: String, value: String)], body: TestHTTPBodySource,
         arrivedAt: ContinuousClock.Instant = .now) {
        self.method = method
        self.target = target
        self.headers = headers
        self.arrivedAt = arrivedAt
        bodySource = body
        let components = URLComponents(string: target)
        path = components?.path ?? target
        queryItems = components?.queryItems ?? []
    }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// How many body bytes arrived.
    public var bodyLength: Int { bodySource.count }

    /// The whole body (read from disk when it was spooled; avoid for very large bodies).
    public var body: Data { bodySource.read(offset: 0, count: bodySource.count) }

    /// Writes the body to `url` (copying the spool file for large bodies, so they never sit in memory).
    public func writeBody(to url: URL) throws {
        switch bodySource {
        case .memory(let data):
            try data.write(to: url)
        case .file(let source, _):
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.copyItem(at: source, to: url)
        }
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The parts of a multipart/form-data body; file parts stay on disk until read.
    public func multipartParts() throws -> [MultipartFormPart] {
        try MultipartFormParser.parse(bodySource, contentType: header("Content-Type") ?? "")
    }
}
