import Foundation

/// A ``TestHTTPServer`` of one file, with an `ETag` and `Range` support, that goes silent part-way:
/// while ``stalls`` is true every answer sends its headers and the first `stallAfter` bytes, then
/// nothing more (the connection stays open). Set ``stalls`` to false and it serves the file whole
/// (or the rest of it), as a server that recovered would.
public final class StallingFileServer: Sendable {
    private let server: TestHTTPServer
    private let stalling = Locked(true)

    /// Serves `bytes` as `contentType` with the entity tag `etag`, stalling after `stallAfter` bytes.
    public init(_ bytes: Data, etag: String, contentType: String = "application/octet-stream", stallAfter: Int) throws {
        let stalling = self.stalling
        server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("Content-Type", contentType), ("ETag", etag)], body: .bytes(bytes))
            response.acceptsRanges = true
            if stalling.current { response.stallAfterBytes = stallAfter }
            return response
        }
    }

    /// Whether answers stall; true at first.
    public var stalls: Bool {
        get { stalling.current }
        set { stalling.withLock { $0 = newValue } }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> URL { server.url(path) }

    /// Everything received, in order (what each request asked for: `Range`, `If-Range`).
    public var requests: [TestHTTPRequest] { server.requests }

    /// Stops the server (it also stops when released).
    public func stop() { server.stop() }
}
