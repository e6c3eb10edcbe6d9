/// Turns a server-sent event stream, fed in arbitrary chunks, into events (LF, CR or CRLF line ends).
public struct ServerSentEventParser: Sendable {
    private let bareLines: Bool
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event = ""
    private var data: [String] = []
    private var hasData = false
    private var lastID: String?
    private var retry: Int?

    /// A parser at the start of a stream. With `bareLines`, a line that begins with `{` is an event of
    /// its own (services that send bare JSON lines instead of `data:` fields), and ``finish()`` hands
    /// over what the stream ended in without its newline or blank line.
    public init(bareLines: Bool = false) {
        self.bareLines = bareLines
    }

    /// Consumes `bytes` and returns the events they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                endLine(into: &events)
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream. A final event without its blank line is dropped, as the standard says, unless
    /// the parser takes bare lines: then it is returned, with a last line that had no newline.
    @discardableResult
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if bareLines {
            if !line.isEmpty { endLine(into: &events) }
            if let event = dispatch() { events.append(event) }
        }
        line.removeAll()
        resetEvent()
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if let event = dispatch() { events.append(event) }
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        if bareLines, let start = line.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
           line[start] == UInt8(ascii: "{") {
            if let event = dispatch() { events.append(event) }
            events.append(ServerSentEvent(data: String(decoding: line[start...], as: UTF8.self)))
            return
        }
        let field: String
        var value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            var start = line.index(after: colon)
            if start < line.endIndex && line[start] == UInt8(ascii: " ") { start = line.index(after: start) }
            value = String(decoding: line[start...], as: UTF8.self)
        } else {
            field = String(decoding: line, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": event = value
        case "data":
            data.append(value)
            hasData = true
        case "id":
            if !value.contains("\0") { lastID = value }
        case "retry":
            if let ms = Int(value) { retry = ms }
        default:
            value = ""
        }
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { resetEvent() }
        guard hasData else { return nil }
        return ServerSentEvent(event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"),
                               id: lastID, retry: retry)
    }

    private mutating func resetEvent() {
        event = ""
        data.removeAll()
        hasData = false
        retry = nil
    }
}
