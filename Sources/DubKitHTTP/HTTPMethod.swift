/// An HTTP request method such as GET or POST.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method name as sent on the wire.
    public var rawValue: String

    /// A method from its wire name (upper-cased).
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    /// GET: read a resource.
    public static let get = HTTPMethod(rawValue: "GET")
    /// HEAD: read a resource's headers only.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// POST: create or run something; not retried unless the request is marked idempotent.
    public static let post = HTTPMethod(rawValue: "POST")
    /// PUT: replace a resource (e.g. an upload to a presigned URL).
    public static let put = HTTPMethod(rawValue: "PUT")
    /// PATCH: change part of a resource; not retried unless the request is marked idempotent.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// DELETE: remove a resource.
    public static let delete = HTTPMethod(rawValue: "DELETE")

    /// True for methods that are safe to repeat without the caller saying so.
    public var isIdempotent: Bool { self != .post && self != .patch }

    /// The wire name.
    public var description: String { rawValue }
}
