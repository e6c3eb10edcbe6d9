/// How far a download has got; `total` is nil while the size is unknown.
public struct DownloadProgress: Sendable, Equatable {
    /// Bytes of the file on disk so far, including any resumed prefix.
    public var received: Int64
    /// The full size when the server said it.
    public var total: Int64?

    /// Progress from its parts.
    public init(received: Int64, total: Int64?) {
        self.received = received
        self.total = total
    }
}
