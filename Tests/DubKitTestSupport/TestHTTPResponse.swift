import Foundation

/// What a ``TestHTTPServer`` route answers: status, headers and a body sent whole, in timed chunks,
/// or cut off part-way to simulate a dropped connection.
public struct TestHTTPResponse: Sendable {
    /// One piece of a chunked body, sent after `delay` seconds.
    public struct Chunk: Sendable {
        /// Seconds to wait before sending this chunk.
        public var delay: Double
        /// The bytes of the chunk.
        public var data: Data
        /// When set, the chunk also waits until this returns true, so a test can hold the rest of a
        /// stream back until the client has shown it received the earlier part; after 10 s the
        /// server gives up and drops the connection.
        public var gate: (@Sendable () -> Bool)?

        /// A chunk of UTF-8 text sent after `delay` seconds and, if given, once `gate` returns true.
        public init(_ text: String, after delay: Double = 0, when gate: (@Sendable () -> Bool)? = nil) {
            self.delay = delay
            data = Data(text.utf8)
            self.gate = gate
        }

        /// A chunk of bytes sent after `delay` seconds and, if given, once `gate` returns true.
        public init(data: Data, after delay: Double = 0, when gate: (@Sendable () -> Bool)? = nil) {
            self.delay = delay
            self.data = data
            self.gate = gate
        }
    }

    /// How the body is sent.
    public enum Body: Sendable {
        /// With Content-Length (and Range support when ``acceptsRanges`` is set).
        case bytes(Data)
        /// With Transfer-Encoding: chunked, one chunk at a time (server-sent events, progress).
        case chunked([Chunk])
    }

    /// The status code.
    public var status: Int
    /// Header fields besides Content-Length, Transfer-Encoding and Connection, which the server adds.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body
    /// Seconds to wait before answering at all (for timeout tests).
    public var delay: Double = 0
    /// Answers `Range: bytes=N-` requests for a ``Body/bytes(_:)`` body with 206 and Content-Range.
    public var acceptsRanges = false
    /// Sends only this many body bytes, then closes the connection (the headers promise them all).
    public var dropAfterBytes: Int?
    /// Sends the headers and this many body bytes, then keeps the connection open and sends nothing
    /// more (a server gone silent: 0 is headers, then silence) until the server stops or 120 s passed.
    public var stallAfterBytes: Int?
    /// Closes the connection without sending anything (after ``delay``): the request was handled,
    /// but the client never learns the outcome.
    public var hangsUp = false

    /// A response from its parts.
    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Body = .bytes(Data())) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer from bytes already encoded.
    public static func json(_ data: Data, status: Int = 200) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: .bytes(data))
    }

    /// A JSON answer encoding `value`.
    public static func json<Value: Encodable>(_ value: Value, status: Int = 200) -> TestHTTPResponse {
        json((try? JSONEncoder().encode(value)) ?? Data("null".utf8), status: status)
    }

    /// No answer at all: the connection is closed once the request was handled.
    public static var hangUp: TestHTTPResponse {
        var response = TestHTTPResponse()
        response.hangsUp = true
        return response
    }

    /// A plain text answer.
    public static func text(_ text: String, status: Int = 200) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: [("Content-Type", "text/plain")], body: .bytes(Data(text.utf8)))
    }

    /// An `text/event-stream` answer sent as timed chunks.
    public static func eventStream(_ chunks: [Chunk]) -> TestHTTPResponse {
        TestHTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
                         body: .chunked(chunks))
    }
}
