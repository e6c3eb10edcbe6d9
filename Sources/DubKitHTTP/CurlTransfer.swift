import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One request on its own easy handle. Lives only on the client's transfer thread, owns every C
/// object it makes (handle, header list, form, open files) and frees them in `deinit`.
final class CurlTransfer {
    private enum Sink {
        case memory, file, events, errorCapture
    }

    private static let errorBodyLimit = 64 * 1024

    let job: TransferJob
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private var uploadFile: UnsafeMutablePointer<FILE>?
    private var downloadFD: Int32 = -1
    private let errorBuffer: UnsafeMutablePointer<CChar>

    private var sink: Sink = .memory
    private var headDecided = false
    private var status = 0
    private var headers = HTTPHeaders()
    private var body = Data()
    private var fileBytes: Int64 = 0
    private var expectedTotal: Int64?
    private var parser = ServerSentEventParser()
    private var rangeMismatch: String?
    private var oversize: (size: Int64, limit: Int64)?
    private var fileError: (path: String, message: String)?
    private var received: Int64 = 0

    // The stall check: when the transfer was added, whether the request was ready to go out (connected),
    // when a byte last went either way, and the byte counts seen last.
    private let added = ContinuousClock.now
    private var ready = false
    private var lastActivity = ContinuousClock.now
    private var seenUp: Int64 = 0
    private var seenDown: Int64 = 0
    private var stalledFor: Double?
    private var refusedRedirect: String?

    /// Makes and configures the easy handle; throws when a local file cannot be opened.
    init(job: TransferJob) throws(HTTPError) {
        guard let easy = curl_easy_init() else {
            throw HTTPError.connectionFailed(method: job.request.method.rawValue, url: job.request.redactedURL,
                                             host: job.request.url.host ?? "", message: "libcurl could not make a handle")
        }
        self.job = job
        self.easy = easy
        errorBuffer = .allocate(capacity: dubkit_curl_error_size())
        errorBuffer.initialize(repeating: 0, count: dubkit_curl_error_size())
        try configure()
    }

    deinit {
        curl_easy_cleanup(easy)
        if let mime { curl_mime_free(mime) }
        if let headerList { curl_slist_free_all(headerList) }
        if let uploadFile { fclose(uploadFile) }
        if downloadFD >= 0 { close(downloadFD) }
        errorBuffer.deallocate()
    }

    // MARK: Setup

    private func configure() throws(HTTPError) {
        let request = job.request
        _ = dubkit_easy_setopt_string(easy, CURLOPT_URL, request.url.absoluteString)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = dubkit_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        // Every hop is also checked on its Location header (receiveHeaderLine); this list is libcurl's
        // own refusal of a first-hop downgrade from https.
        _ = dubkit_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, RedirectRule.protocols(from: request.url))
        _ = dubkit_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 10)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(job.connectTimeout))
        _ = dubkit_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(job.timeout))
        _ = dubkit_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        // libcurl sends a request again by itself when a connection it reused closes without an
        // answer. A request that is not safe to repeat (a paid POST the server may have carried out
        // before the drop) therefore never goes out on a reused connection: on a new one the drop
        // reaches the caller, who looks the job up instead of paying twice.
        if !request.isIdempotent { _ = dubkit_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1) }

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = dubkit_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }
        _ = dubkit_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        _ = dubkit_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            // Any other count than the one given stops the transfer (a refused redirect).
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count)) ? size * count : 0
        }
        _ = dubkit_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        if job.stallTimeout > 0 {
            // Upload progress is seen only here; received bytes also reach the header and body callbacks.
            _ = dubkit_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
            _ = dubkit_easy_setopt_xferinfo_callback(easy) { userdata, _, downloaded, _, uploaded in
                guard let userdata else { return 0 }
                Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue().noteProgress(up: uploaded, down: downloaded)
                return 0
            }
            _ = dubkit_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, me)
        }
        if job.sendReport != nil { watchSend(me) }

        var headers = request.headers
        try configureBody(request, headers: &headers)
        try setHeaders(headers)

        if case .file(let url, _) = job.destination {
            // Fail before sending when the file cannot be written; it is only opened (and
            // created) once a 2xx answer arrives, so an error answer leaves no empty file behind.
            let folder = url.deletingLastPathComponent().path
            guard access(folder, W_OK) == 0 else {
                throw HTTPError.fileError(path: url.path, message: String(cString: strerror(errno)))
            }
        }
        if let log = job.log {
            log("> \(request.method.rawValue) \(request.redactedURL)")
            for field in headers {
                log("> \(field.name): \(Redaction.headerValue(name: field.name, value: field.value))")
            }
        }
    }

    /// Reports the instant the request's head went out. libcurl tells its debug callback about an
    /// outgoing header right after handing it to the socket (7.88: after the `send`, checked with
    /// strace), so the instant is never earlier than the request's departure. The callback only
    /// runs in verbose mode, which the callback replaces (nothing is printed).
    private func watchSend(_ me: UnsafeMutableRawPointer) {
        _ = dubkit_easy_setopt_debug_callback(easy) { _, type, _, _, userdata in
            guard type == CURLINFO_HEADER_OUT, let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.job.sendReport?.report(.now)
            return 0
        }
        _ = dubkit_easy_setopt_pointer(easy, CURLOPT_DEBUGDATA, me)
        _ = dubkit_easy_setopt_long(easy, CURLOPT_VERBOSE, 1)
    }

    private func configureBody(_ request: HTTPRequest, headers: inout HTTPHeaders) throws(HTTPError) {
        let method = request.method
        switch request.body {
        case .empty:
            switch method {
            case .get: _ = dubkit_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
            case .head: _ = dubkit_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
            case .post:
                _ = dubkit_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
                _ = dubkit_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            default: _ = dubkit_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue)
            }
        case .bytes(let data, let contentType):
            _ = dubkit_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.count))
            data.withUnsafeBytes { raw in
                _ = dubkit_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
            if data.isEmpty { _ = dubkit_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "") }
            if method != .post { _ = dubkit_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue) }
            if let contentType, !headers.contains("Content-Type") { headers.set("Content-Type", contentType) }
        case .file(let url, let contentType):
            guard let file = fopen(url.path, "rb") else {
                throw HTTPError.fileError(path: url.path, message: String(cString: strerror(errno)))
            }
            uploadFile = file
            var info = stat()
            guard fstat(fileno(file), &info) == 0 else {
                throw HTTPError.fileError(path: url.path, message: String(cString: strerror(errno)))
            }
            _ = dubkit_easy_setopt_long(easy, CURLOPT_UPLOAD, 1)
            _ = dubkit_easy_setopt_pointer(easy, CURLOPT_READDATA, UnsafeMutableRawPointer(file))
            _ = dubkit_easy_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(info.st_size))
            if method != .put { _ = dubkit_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue) }
            if let contentType, !headers.contains("Content-Type") { headers.set("Content-Type", contentType) }
            headers.set("Expect", "")
        case .multipart(let parts):
            try configureMultipart(parts)
            if method != .post { _ = dubkit_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue) }
            headers.set("Expect", "")
        }
    }

    private func configureMultipart(_ parts: [MultipartPart]) throws(HTTPError) {
        guard let form = curl_mime_init(easy) else {
            throw HTTPError.fileError(path: "", message: "libcurl could not make a multipart form")
        }
        mime = form
        for part in parts {
            guard let mimePart = curl_mime_addpart(form) else {
                throw HTTPError.fileError(path: "", message: "libcurl could not add a form part")
            }
            _ = curl_mime_name(mimePart, part.name)
            switch part.content {
            case .text(let text):
                var bytes = Array(text.utf8)
                bytes.withUnsafeMutableBufferPointer { buffer in
                    buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                        _ = curl_mime_data(mimePart, chars, buffer.count)
                    }
                }
                if bytes.isEmpty { _ = curl_mime_data(mimePart, "", 0) }
            case .bytes(let data):
                data.withUnsafeBytes { raw in
                    if let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) {
                        _ = curl_mime_data(mimePart, base, raw.count)
                    } else {
                        _ = curl_mime_data(mimePart, "", 0)
                    }
                }
            case .file(let url):
                guard access(url.path, R_OK) == 0 else {
                    throw HTTPError.fileError(path: url.path, message: String(cString: strerror(errno)))
                }
                guard curl_mime_filedata(mimePart, url.path) == CURLE_OK else {
                    throw HTTPError.fileError(path: url.path, message: "libcurl could not attach the file")
                }
            }
            // curl_mime_filedata sets the file's own name; an explicit one (or none) replaces it.
            _ = curl_mime_filename(mimePart, part.filename)
            if let contentType = part.contentType { _ = curl_mime_type(mimePart, contentType) }
        }
        _ = dubkit_easy_setopt_mime(easy, form)
    }

    private func setHeaders(_ headers: HTTPHeaders) throws(HTTPError) {
        for field in headers {
            // "Name:" removes a header curl would add; "Name;" sends it with an empty value.
            let line = field.value.isEmpty
                ? (field.name.lowercased() == "expect" ? "\(field.name):" : "\(field.name);")
                : "\(field.name): \(field.value)"
            guard let list = curl_slist_append(headerList, line) else {
                throw HTTPError.fileError(path: "", message: "libcurl could not store a header")
            }
            headerList = list
        }
        if let headerList { _ = dubkit_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) }
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        seconds > 0 ? max(1, Int((seconds * 1000).rounded())) : 0
    }

    // MARK: Callbacks (transfer thread)

    /// Takes one header line; false stops the transfer (a redirect that must not be followed).
    private func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) -> Bool {
        lastActivity = .now
        let line = Self.trimmed(String(decoding: raw, as: UTF8.self), newlines: true)
        if line.isEmpty { return true }
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            let parts = line.split(separator: " ", maxSplits: 2)
            if parts.count >= 2, let code = Int(parts[1]) { status = code }
            job.log?("< \(line)")
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }
        let name = Self.trimmed(String(line[..<colon]), newlines: false)
        let value = Self.trimmed(String(line[line.index(after: colon)...]), newlines: false)
        headers.add(name, value)
        job.log?("< \(name): \(Redaction.headerValue(name: name, value: value))")
        if (300..<400).contains(status), name.lowercased() == "location",
           let target = RedirectRule.refusedTarget(from: currentURL, location: value) {
            refusedRedirect = Redaction.url(target)
            return false
        }
        return true
    }

    /// The address of the hop being answered (after redirects followed so far).
    private var currentURL: URL {
        var pointer: UnsafeMutableRawPointer?
        if dubkit_easy_getinfo_pointer(easy, CURLINFO_EFFECTIVE_URL, &pointer) == CURLE_OK, let pointer,
           let url = URL(string: String(cString: pointer.assumingMemoryBound(to: CChar.self))) {
            return url
        }
        return job.request.url
    }

    /// Byte counts from libcurl's progress callback: a change either way is activity.
    private func noteProgress(up: curl_off_t, down: curl_off_t) {
        if Int64(up) != seenUp || Int64(down) != seenDown {
            seenUp = Int64(up)
            seenDown = Int64(down)
            lastActivity = .now
        }
    }

    // MARK: Stall check (transfer thread)

    /// When the transfer counts as stalled if nothing moves before; nil without a stall limit or while
    /// it is still connecting (the connect timeout covers that part).
    func stallDeadline() -> ContinuousClock.Instant? {
        guard job.stallTimeout > 0 else { return nil }
        if !ready {
            var pretransfer: curl_off_t = 0
            guard dubkit_easy_getinfo_off(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK, pretransfer > 0 else {
                return nil
            }
            ready = true
            let readyAt = added + .microseconds(Int64(pretransfer))
            if readyAt > lastActivity { lastActivity = readyAt }
        }
        return lastActivity + .milliseconds(Int64((job.stallTimeout * 1000).rounded()))
    }

    /// Marks the transfer as given up for a stall; the engine then finishes it with a timeout.
    func markStalled(now: ContinuousClock.Instant) {
        let waited = now - lastActivity
        stalledFor = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        let message = "nothing received or sent for \(NetworkBounds.format(stalledFor ?? 0)) s"
        message.withCString { text in
            _ = strncpy(errorBuffer, text, dubkit_curl_error_size() - 1)
        }
    }

    /// `text` without leading and trailing whitespace (and newlines), as Foundation's
    /// `trimmingCharacters(in: .whitespaces / .whitespacesAndNewlines)` trims it: ASCII text (header
    /// lines almost always are) is trimmed here, anything else by Foundation.
    static func trimmed(_ text: String, newlines: Bool) -> String {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
        }
        // ASCII members of those sets: space and tab; with newlines also LF, VT, FF and CR.
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || (newlines && (0x0a...0x0d).contains(byte))
        }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }

    private func receiveBody(_ raw: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        if !headDecided && !decideHead() { return 0 }
        received += Int64(raw.count)
        switch sink {
        case .memory:
            body.append(contentsOf: raw)
        case .errorCapture:
            let room = max(0, Self.errorBodyLimit - body.count)
            body.append(contentsOf: raw.prefix(room))
        case .events:
            if case .events(let deliver) = job.destination {
                for event in parser.feed(raw) { deliver(event) }
            }
        case .file:
            guard let base = raw.baseAddress else { return raw.count }
            if let limit = job.maxBytes, fileBytes + Int64(raw.count) > limit {
                oversize = (fileBytes + Int64(raw.count), limit)
                return 0
            }
            var written = 0
            while written < raw.count {
                let result = write(downloadFD, base + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    fileError = (destinationPath, String(cString: strerror(errno)))
                    return 0
                }
                written += result
            }
            job.chunkObserver?(raw, fileBytes)
            fileBytes += Int64(raw.count)
            job.progress?(DownloadProgress(received: fileBytes, total: expectedTotal))
        }
        return raw.count
    }

    /// Chooses where the body goes once the final status is known; false aborts the transfer.
    private func decideHead() -> Bool {
        headDecided = true
        var code = 0
        if dubkit_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK, code > 0 { status = code }
        let success = (200..<300).contains(status)
        switch job.destination {
        case .memory:
            sink = .memory
        case .events:
            sink = success ? .events : .errorCapture
        case .file(let url, let resumeFrom):
            guard success else {
                sink = .errorCapture
                return true
            }
            sink = .file
            var start: Int64 = 0
            if status == 206 && resumeFrom > 0 {
                guard let range = ContentRange(headers["Content-Range"]), range.start == resumeFrom else {
                    rangeMismatch = "asked for bytes from \(resumeFrom), got Content-Range \(headers["Content-Range"] ?? "none")"
                    return false
                }
                start = resumeFrom
                expectedTotal = range.total
            } else if status == 206 {
                rangeMismatch = "got a partial answer (206) to a request for the whole file"
                return false
            } else if let length = headers["Content-Length"].flatMap({ Int64($0) }) {
                expectedTotal = length
            }
            if let limit = job.maxBytes, let total = expectedTotal, total > limit {
                oversize = (total, limit)
                return false
            }
            job.headObserver?(status, headers)
            if downloadFD < 0 { downloadFD = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
            guard downloadFD >= 0, Self.truncate(downloadFD, to: start),
                  lseek(downloadFD, off_t(start), SEEK_SET) >= 0 else {
                fileError = (url.path, String(cString: strerror(errno)))
                return false
            }
            fileBytes = start
        }
        return true
    }

    /// Cuts the file to `size` bytes unless it has that size already: ext4 takes a truncation to
    /// nothing (even of an empty file) as a file being replaced and writes it out when it is closed,
    /// a disk write for every new download that the store then flushes (or drops) anyway.
    private static func truncate(_ descriptor: Int32, to size: Int64) -> Bool {
        var info = stat()
        if fstat(descriptor, &info) == 0 && Int64(info.st_size) == size { return true }
        return ftruncate(descriptor, off_t(size)) == 0
    }

    private var destinationPath: String {
        if case .file(let url, _) = job.destination { return url.path }
        return ""
    }

    // MARK: Completion

    /// Hands the outcome to the caller; `code` is libcurl's result, nil when cancelled.
    func finish(code: CURLcode?) {
        var outcome = TransferOutcome()
        if let code {
            var code = code
            if code == CURLE_OK && !headDecided && !decideHead() { code = CURLE_WRITE_ERROR }
            outcome.curlCode = Int(code.rawValue)
            let detail = String(cString: errorBuffer)
            outcome.curlMessage = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        } else {
            outcome.cancelled = true
        }
        if case .events = job.destination, sink == .events { parser.finish() }
        var pretransfer: curl_off_t = 0
        outcome.connected = ready
            || (dubkit_easy_getinfo_off(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK && pretransfer > 0)
        outcome.connectTimeout = job.connectTimeout
        outcome.timeout = job.timeout
        outcome.stalled = stalledFor
        outcome.refusedRedirect = refusedRedirect
        outcome.received = received
        var requestBytes = 0
        outcome.requestSent = dubkit_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestBytes) == CURLE_OK && requestBytes > 0
        outcome.status = status
        outcome.headers = headers
        outcome.body = body
        outcome.fileBytes = fileBytes
        outcome.rangeMismatch = rangeMismatch
        outcome.oversize = oversize
        outcome.fileError = fileError
        job.log?(outcome.cancelled ? "! cancelled" : (outcome.curlCode == 0 ? "< done \(status)" : "! \(outcome.curlMessage)"))
        job.completion(outcome)
    }
}
