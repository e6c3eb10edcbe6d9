import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 (a free port) for tests: each connection gets a thread,
/// `handler` answers every request, and requests are recorded for assertions. Stops on ``stop()``
/// or when released. Large request bodies are spooled to a temporary file, not kept in memory.
///
/// By default every answer closes its connection (`Connection: close`). With `keepAlive`, a
/// connection serves one request after another, as HTTP/1.1 servers do, until the client sends
/// `Connection: close` (or speaks HTTP/1.0 without `Connection: keep-alive`) or an answer is cut off
/// on purpose (``TestHTTPResponse/hangsUp``, ``TestHTTPResponse/dropAfterBytes``, a body cut-off, a
/// delay or chunk gate outlived by ``stop()``). It is off by default because a client such as
/// libcurl resends a request by itself when a connection it reused closes without an answer: an
/// injected hang-up then looks different to the client than on a fresh connection.
public final class TestHTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse
    /// Sees a request's method, target and headers once its head has arrived, before any body byte
    /// is read; returning N makes the server read at most N body bytes and then close the connection
    /// without answering (a connection dropped during an upload). Such a request is neither recorded nor handled.
    public typealias BodyCutoff = @Sendable (_ method: String, _ target: String, _ headers: [(name: String, value: String)]) -> Int?

    private let core: TestHTTPServerCore

    /// Starts listening; bodies larger than `spoolBodiesOver` bytes are kept on disk.
    /// Starts listening; bodies larger than `spoolBodiesOver` bytes are kept on disk; `keepAlive`
    /// serves several requests per connection.
    public init(spoolBodiesOver: Int = 1 << 20, keepAlive: Bool = false, bodyCutoff: BodyCutoff? = nil,
                handler: @escaping Handler) throws {
        core = try TestHTTPServerCore(spoolThreshold: spoolBodiesOver, keepAlive: keepAlive, bodyCutoff: bodyCutoff,
                                      handler: handler)
    }

    deinit {
        core.stop()
    }

    /// The port the server listens on.
    public var port: UInt16 { core.port }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { url("/") }

    /// The URL for `pathAndQuery` (starting with "/") on this server; the root when it is not valid.
    public func url(_ pathAndQuery: String) -> URL {
        let root = URL(fileURLWithPath: "/")
        return URL(string: "http://127.0.0.1:\(core.port)\(pathAndQuery)")
            ?? URL(string: "http://127.0.0.1:\(core.port)/") ?? root
    }

    /// Every request received so far, in arrival order.
    public var requests: [TestHTTPRequest] { core.recorded }

    /// How many connections the server has accepted so far.
    public var connectionsAccepted: Int { core.accepted }

    /// Closes the listener and every open connection, and waits for their threads to end.
    public func stop() { core.stop() }
}

/// The listening socket and its threads; threads keep this alive, the public server's `deinit` stops it.
private final class TestHTTPServerCore: @unchecked Sendable {
    let port: UInt16
    private let listenFD: Int32
    private let handler: TestHTTPServer.Handler
    private let bodyCutoff: TestHTTPServer.BodyCutoff?
    private let spoolThreshold: Int
    private let keepAlive: Bool
    private let spoolDirectory: URL
    private let lock = NSLock()
    private let threads = DispatchGroup()
    // Guarded by `lock`.
    private var requests: [TestHTTPRequest] = []
    private var connections: Set<Int32> = []
    private var acceptedCount = 0
    private var stopped = false

    init(spoolThreshold: Int, keepAlive: Bool, bodyCutoff: TestHTTPServer.BodyCutoff?,
         handler: @escaping TestHTTPServer.Handler) throws {
        self.handler = handler
        self.keepAlive = keepAlive
        self.bodyCutoff = bodyCutoff
        self.spoolThreshold = spoolThreshold
        spoolDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("test-http-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.posixError("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        // Set on the listener, so the kernel stamps packets well before the first connection (it
        // turns stamping on in the background) and accepted sockets inherit the option.
        SocketConnection.enableReceiveTimes(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let error = Self.posixError("bind/listen")
            close(fd)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listenFD = fd
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        thread.start()
    }

    var recorded: [TestHTTPRequest] { lock.withLock { requests } }

    var isStopped: Bool { lock.withLock { stopped } }

    var accepted: Int { lock.withLock { acceptedCount } }

    func stop() {
        let open = lock.withLock { () -> Set<Int32>? in
            if stopped { return nil }
            stopped = true
            return connections
        }
        guard let open else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        _ = threads.wait(timeout: .now() + 5)
        close(listenFD)
        try? FileManager.default.removeItem(at: spoolDirectory)
    }

    private static func posixError(_ call: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno),
                userInfo: [NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(errno)))"])
    }

    // MARK: Connections

    private func acceptLoop() {
        while !isStopped {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.insert(fd)
                acceptedCount += 1
                threads.enter()
                return true
            }
            guard accepted else {
                close(fd)
                return
            }
            var noDelay: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in
                serve(fd)
                lock.withLock { _ = connections.remove(fd) }
                close(fd)
                threads.leave()
            }
            thread.start()
        }
    }

    /// Serves the connection's requests: one, or (with `keepAlive`) one after another until either
    /// side closes it.
    private func serve(_ fd: Int32) {
        var connection = SocketConnection(fd: fd)
        while serveOne(on: &connection) && !isStopped {}
    }

    /// Reads and answers one request; true when the connection stays open for the next one.
    private func serveOne(on connection: inout SocketConnection) -> Bool {
        guard let head = connection.readHead() else { return false }
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else {
            connection.send(Data("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            return false
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        // HTTP/1.1 keeps a connection unless told otherwise; HTTP/1.0 only when asked to.
        let asked = header("connection")?.lowercased()
        let persistent = keepAlive && asked != "close"
            && (requestLine.count > 2 && requestLine[2] == "HTTP/1.1" || asked == "keep-alive")
        if header("expect")?.lowercased() == "100-continue" {
            connection.send(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var spool = BodySpool(threshold: spoolThreshold, directory: spoolDirectory)
        if let cutoff = bodyCutoff?(String(requestLine[0]), String(requestLine[1]), headers) {
            let length = header("content-length").flatMap { Int($0) } ?? cutoff
            _ = connection.readBody(count: min(cutoff, length), into: &spool)
            _ = spool.finish()
            return false
        }
        if header("transfer-encoding")?.lowercased().contains("chunked") == true {
            guard connection.readChunkedBody(into: &spool) else { return false }
        } else if let length = header("content-length").flatMap({ Int($0) }), length > 0 {
            guard connection.readBody(count: length, into: &spool) else { return false }
        }
        let request = TestHTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]),
                                      headers: headers, body: spool.finish(), arrivedAt: connection.arrival)
        lock.withLock { requests.append(request) }
        return respond(handler(request), to: request, on: &connection, keepingAlive: persistent)
    }

    /// Sends `response`; true when it went out whole and the connection is kept for another request.
    private func respond(_ response: TestHTTPResponse, to request: TestHTTPRequest, on connection: inout SocketConnection,
                         keepingAlive: Bool) -> Bool {
        if response.delay > 0 && !pause(response.delay) { return false }
        if response.hangsUp { return false }
        // An answer the handler ends with `Connection: close` closes the connection as it says; so does
        // one to HEAD, whose body this server sends anyway.
        let persistent = keepingAlive && response.dropAfterBytes == nil && response.stallAfterBytes == nil
            && request.method != "HEAD"
            && !response.headers.contains { $0.name.lowercased() == "connection" && $0.value.lowercased() == "close" }
        var status = response.status
        var headers = response.headers
        if !persistent { headers.append(("Connection", "close")) }
        switch response.body {
        case .bytes(var body):
            if response.acceptsRanges {
                headers.append(("Accept-Ranges", "bytes"))
                // If-Range that names another version than this answer's ETag asks for the whole file.
                let version = response.headers.first { $0.name.lowercased() == "etag" }?.value
                let sameVersion = request.header("If-Range").map { $0 == version } ?? true
                if sameVersion, let range = request.header("Range"), let start = Self.rangeStart(range) {
                    if start < body.count {
                        headers.append(("Content-Range", "bytes \(start)-\(body.count - 1)/\(body.count)"))
                        body = body.subdata(in: body.startIndex + start..<body.endIndex)
                        status = 206
                    } else {
                        headers.append(("Content-Range", "bytes */\(body.count)"))
                        body = Data()
                        status = 416
                    }
                }
            }
            headers.append(("Content-Length", String(body.count)))
            guard connection.send(Self.head(status: status, headers: headers)) else { return false }
            if let drop = response.dropAfterBytes {
                connection.send(body.prefix(drop))
                return false
            }
            if let stall = response.stallAfterBytes {
                connection.send(body.prefix(stall))
                _ = pause(120)
                return false
            }
            return connection.send(body) && persistent
        case .chunked(let chunks):
            headers.append(("Transfer-Encoding", "chunked"))
            guard connection.send(Self.head(status: status, headers: headers)) else { return false }
            for chunk in chunks {
                if chunk.delay > 0 && !pause(chunk.delay) { return false }
                if let gate = chunk.gate, !wait(for: gate, timeout: 10) { return false }
                if chunk.data.isEmpty { continue }
                var framed = Data("\(String(chunk.data.count, radix: 16))\r\n".utf8)
                framed.append(chunk.data)
                framed.append(Data("\r\n".utf8))
                guard connection.send(framed) else { return false }
            }
            return connection.send(Data("0\r\n\r\n".utf8)) && persistent
        }
    }

    /// Sleeps `seconds` in small steps; false when the server stopped meanwhile.
    private func pause(_ seconds: Double) -> Bool {
        // The monotonic clock, as the tests measure with: a wall clock slewed by time sync made a
        // 400 ms delay answer after 399.8 ms.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        while clock.now < deadline {
            if isStopped { return false }
            Thread.sleep(forTimeInterval: min(0.01, max(0, Self.seconds(deadline - clock.now))))
        }
        return !isStopped
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Polls `condition` until it holds; false when the server stopped or `timeout` passed first.
    private func wait(for condition: @Sendable () -> Bool, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if isStopped || Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return !isStopped
    }

    private static func rangeStart(_ header: String) -> Int? {
        let value = header.trimmingCharacters(in: .whitespaces).lowercased()
        guard value.hasPrefix("bytes="), let dash = value.firstIndex(of: "-") else { return nil }
        return Int(value[value.index(value.startIndex, offsetBy: 6)..<dash])
    }

    private static func head(status: Int, headers: [(name: String, value: String)]) -> Data {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Data(text.utf8)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 206: "Partial Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// Buffered reads and whole writes on one accepted socket.
private struct SocketConnection {
    let fd: Int32
    private var buffer: [UInt8] = []
    /// When the first byte of the request being read reached this host.
    private(set) var arrival = ContinuousClock.now

    init(fd: Int32) { self.fd = fd }

    /// `SO_TIMESTAMPNS` (its value on 64-bit Linux; Swift does not import the macro).
    private static let timestampOption: Int32 = 35

    /// Asks the kernel to stamp each received packet with its arrival time (`SO_TIMESTAMPNS`).
    static func enableReceiveTimes(_ fd: Int32) {
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, timestampOption, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads up to the blank line ending the request head; nil when the peer closes first.
    mutating func readHead() -> String? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        arrival = .now
        if buffer.isEmpty && !receiveFirstByte() { return nil }
        while true {
            if let end = find(terminator) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(..<(end + 4))
                return head
            }
            if buffer.count > 64 * 1024 || !fill() { return nil }
        }
    }

    /// Reads exactly `count` body bytes into `spool`.
    mutating func readBody(count: Int, into spool: inout BodySpool) -> Bool {
        var remaining = count
        while remaining > 0 {
            if buffer.isEmpty && !fill() { return false }
            let take = min(remaining, buffer.count)
            spool.append(buffer[..<take])
            buffer.removeSubrange(..<take)
            remaining -= take
        }
        return true
    }

    /// Reads a chunked body (ignoring trailers) into `spool`.
    mutating func readChunkedBody(into spool: inout BodySpool) -> Bool {
        while true {
            guard let line = readLine() else { return false }
            let sizeText = line.split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
            if size == 0 {
                while let trailer = readLine(), !trailer.isEmpty {}
                return true
            }
            guard readBody(count: size, into: &spool), readLine() != nil else { return false }
        }
    }

    private mutating func readLine() -> String? {
        while true {
            if let end = find([13, 10]) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(..<(end + 2))
                return line
            }
            if !fill() { return nil }
        }
    }

    /// Sends all of `data`; false when the peer is gone.
    @discardableResult
    func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var sent = 0
            while sent < raw.count {
                let result = Glibc.send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += result
            }
            return true
        }
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
    }

    /// Reads one byte, the request's first, and takes `arrival` from the kernel's stamp on the packet
    /// that brought it: the moment the client's send reached this host, however late this thread ran
    /// (it reads one byte only, so the stamp is that packet's and not a later one's).
    private mutating func receiveFirstByte() -> Bool {
        var byte: UInt8 = 0
        var control = [UInt64](repeating: 0, count: 8) // 64 bytes, aligned for cmsghdr
        while true {
            let (count, stamp) = withUnsafeMutablePointer(to: &byte) { bytePointer in
                control.withUnsafeMutableBytes { controlBytes -> (Int, timespec?) in
                    var vector = iovec(iov_base: UnsafeMutableRawPointer(bytePointer), iov_len: 1)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let count = recvmsg(fd, &message, 0)
                        guard count > 0 else { return (count, nil) }
                        return (count, Self.timestamp(in: UnsafeRawBufferPointer(controlBytes), length: message.msg_controllen))
                    }
                }
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            buffer.append(byte)
            if let stamp { arrival = Self.instant(stamp) }
            return true
        }
    }

    /// The `SCM_TIMESTAMPNS` message among the control messages, if any.
    private static func timestamp(in control: UnsafeRawBufferPointer, length: Int) -> timespec? {
        let header = MemoryLayout<cmsghdr>.size
        var offset = 0
        while offset + header <= min(length, control.count) {
            let message = control.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
            let size = Int(message.cmsg_len)
            guard size >= header else { return nil }
            if message.cmsg_level == SOL_SOCKET && message.cmsg_type == timestampOption,
               offset + header + MemoryLayout<timespec>.size <= control.count {
                return control.loadUnaligned(fromByteOffset: offset + header, as: timespec.self)
            }
            offset += (size + 7) & ~7
        }
        return nil
    }

    /// A wall-clock stamp as an instant of the continuous clock, never later than the true one: the
    /// wall clock is read between two readings of the continuous clock (again when this thread was
    /// held up between them), and the earlier one is used, so it errs early by a few microseconds.
    private static func instant(_ stamp: timespec) -> ContinuousClock.Instant {
        var wall = timespec()
        var before = ContinuousClock.now
        for _ in 0..<10 {
            before = ContinuousClock.now
            clock_gettime(CLOCK_REALTIME, &wall)
            if ContinuousClock.now - before < .microseconds(20) { break }
        }
        let age = Duration.seconds(wall.tv_sec - stamp.tv_sec) + .nanoseconds(wall.tv_nsec - stamp.tv_nsec)
        return before - age
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for index in 0...(buffer.count - pattern.count) where buffer[index] == pattern[0] {
            if Array(buffer[index..<(index + pattern.count)]) == pattern { return index }
        }
        return nil
    }
}

/// A request body kept in memory until it grows past a threshold, then written to a file.
private struct BodySpool {
    let threshold: Int
    let directory: URL
    private var memory = Data()
    private var file: FileHandle?
    private var fileURL: URL?
    private var count = 0

    init(threshold: Int, directory: URL) {
        self.threshold = threshold
        self.directory = directory
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        count += bytes.count
        if file == nil && memory.count + bytes.count > threshold {
            let url = directory.appendingPathComponent("body-\(UUID().uuidString)")
            if FileManager.default.createFile(atPath: url.path, contents: memory),
               let handle = try? FileHandle(forWritingTo: url) {
                handle.seekToEndOfFile()
                file = handle
                fileURL = url
                memory = Data()
            }
        }
        if let file {
            file.write(Data(bytes))
        } else {
            memory.append(contentsOf: bytes)
        }
    }

    mutating func finish() -> TestHTTPBodySource {
        if let file, let fileURL {
            try? file.close()
            return .file(fileURL, count: count)
        }
        return .memory(memory)
    }
}
