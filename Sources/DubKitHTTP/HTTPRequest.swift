import Foundation

/// One HTTP request: method, URL, headers, body, time limits and whether a retry is safe.
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute http(s) URL.
    public var url: URL
    /// Header fields sent as given (the body's content type is added unless set here).
    public var headers: HTTPHeaders
    /// The body.
    public var body: HTTPRequestBody
    /// Seconds allowed to connect; the client's default when nil.
    public var connectTimeout: Double?
    /// Seconds allowed for the whole transfer; the client's default when nil, 0 for no limit.
    public var timeout: Double?
    /// Seconds the transfer may go without a byte received or sent once connected; the client's
    /// default when nil, 0 for no limit.
    public var stallTimeout: Double?
    /// Marks a POST or PATCH as safe to repeat, so the retry policy may resend it.
    public var isIdempotent: Bool

    /// A request; `isIdempotent` defaults to what the method implies.
    public init(_ method: HTTPMethod, _ url: URL, headers: HTTPHeaders = HTTPHeaders(),
                body: HTTPRequestBody = .empty, connectTimeout: Double? = nil, timeout: Double? = nil,
                stallTimeout: Double? = nil, isIdempotent: Bool? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.stallTimeout = stallTimeout
        self.isIdempotent = isIdempotent ?? method.isIdempotent
    }

    /// The URL as safe to print: secret query parameters and credentials replaced by `***`.
    public var redactedURL: String { Redaction.url(url.absoluteString) }
}
