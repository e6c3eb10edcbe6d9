/// One server-sent event: its type, data (lines joined by newlines) and id.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; "message" when the server gave none.
    public var event: String
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The last `id:` seen, if any.
    public var id: String?
    /// The `retry:` reconnection time in milliseconds, if given.
    public var retry: Int?

    /// An event from its fields.
    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
