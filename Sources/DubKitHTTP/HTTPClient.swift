import Foundation

/// Sends HTTP requests over libcurl. Transfers run on one thread of the client's own (a
/// `curl_multi` loop), never on Swift's cooperative pool; the async methods resume from there.
public final class HTTPClient: Sendable {
    /// Defaults that apply to every request that does not set its own.
    public struct Configuration: Sendable {
        /// Seconds allowed to connect, TLS handshake included.
        public var connectTimeout: Double
        /// Seconds allowed for a whole `send` (downloads and event streams have no overall limit by default).
        public var timeout: Double
        /// Seconds any transfer (downloads and event streams too) may go without a byte either way
        /// once connected; 0 for no limit.
        public var stallTimeout: Double
        /// When to resend failed requests.
        public var retryPolicy: RetryPolicy
        /// Receives one line per request, response header and retry, with secrets shown as `***`.
        public var log: (@Sendable (String) -> Void)?

        /// Defaults: the process's ``NetworkBounds`` (15 s to connect, 60 s without a byte, unless
        /// `DUBKIT_CONNECT_TIMEOUT` / `DUBKIT_STALL_TIMEOUT` say otherwise), 120 s per request, the
        /// standard retry policy, no log.
        public init(connectTimeout: Double = NetworkBounds.current.connectTimeout, timeout: Double = 120,
                    stallTimeout: Double = NetworkBounds.current.stallTimeout, retryPolicy: RetryPolicy = .standard,
                    log: (@Sendable (String) -> Void)? = nil) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.stallTimeout = stallTimeout
            self.retryPolicy = retryPolicy
            self.log = log
        }
    }

    /// The defaults this client applies.
    public let configuration: Configuration
    private let engine: CurlEngine

    /// A client with its own transfer thread; throws when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration()) throws {
        guard let engine = CurlEngine() else {
            throw HTTPError.connectionFailed(method: "-", url: "-", host: "-", message: "libcurl could not be initialised")
        }
        self.engine = engine
        self.configuration = configuration
    }

    deinit {
        engine.shutdown()
    }

    /// Sends `request` and returns its 2xx response, retrying per `retry` (the client's policy when nil).
    /// Throws ``HTTPError`` for other statuses and failures.
    public func send(_ request: HTTPRequest, retry: RetryPolicy? = nil) async throws -> HTTPResponse {
        let policy = retry ?? configuration.retryPolicy
        let clock = ContinuousClock()
        let started = clock.now
        var attempt = 0
        while true {
            attempt += 1
            let outcome = await perform(request, destination: .memory, defaultTimeout: configuration.timeout)
            guard let error = Self.failure(of: outcome, for: request) else {
                return HTTPResponse(status: outcome.status, headers: outcome.headers, body: outcome.body)
            }
            let elapsed = Self.seconds(clock.now - started)
            try await pauseBeforeRetry(after: error, attempt: attempt, elapsed: elapsed, policy: policy,
                                       request: request, retryAfter: outcome.headers["Retry-After"])
        }
    }

    /// Sends `request` and decodes the JSON answer.
    public func send<Value: Decodable>(_ request: HTTPRequest, decoding type: Value.Type, retry: RetryPolicy? = nil,
                                       decoder: JSONDecoder = JSONDecoder()) async throws -> Value {
        try await send(request, retry: retry).decode(type, decoder: decoder)
    }

    /// Streams the response body into `destination`, resuming with `Range` after a dropped connection
    /// when the server supports it (and starting over when it does not). The response's body is empty.
    /// With `maxBytes`, a body announced or streamed past that size stops with ``HTTPError/tooLarge(method:url:limit:size:)``
    /// (the partial file is left for the caller to remove). `observe` sees each chunk as it is written,
    /// with its file offset (an offset of 0 after earlier chunks means the file started over), so a
    /// caller can hash the file without reading it again.
    ///
    /// With `continuing`, a download stopped in an earlier run (a stall, a dropped connection, a killed
    /// process) goes on from the bytes already in `destination`: the first answer's validator (strong
    /// ETag or Last-Modified) is kept beside the file in ``resumeRecord(for:)`` while the download runs,
    /// and the next call asks for the rest with `Range` and `If-Range` (a file that changed comes whole).
    /// Without a record the file starts over. The record goes when the download completes.
    public func download(_ request: HTTPRequest, to destination: URL, retry: RetryPolicy? = nil, maxBytes: Int64? = nil,
                         continuing: Bool = false,
                         progress: (@Sendable (DownloadProgress) -> Void)? = nil,
                         observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil) async throws -> HTTPResponse {
        let policy = retry ?? configuration.retryPolicy
        let clock = ContinuousClock()
        var started = clock.now
        var offset: Int64 = 0
        var validator: String?
        let record = Self.resumeRecord(for: destination)
        if continuing, let kept = Self.keptDownload(destination) {
            (offset, validator) = (kept.bytes, kept.validator)
            configuration.log?("! continuing the download from byte \(offset)")
        }
        var head: (@Sendable (Int, HTTPHeaders) -> Void)?
        if continuing {
            head = { @Sendable status, headers in Self.recordVersion(status: status, headers: headers, in: record) }
        }
        var attempt = 0
        while true {
            attempt += 1
            var attemptRequest = request
            if offset > 0 {
                attemptRequest.headers.set("Range", "bytes=\(offset)-")
                // A file that changed since the first part must come whole (200), not spliced (206).
                if let validator { attemptRequest.headers.set("If-Range", validator) }
            }
            let outcome = await perform(attemptRequest, destination: .file(destination, resumeFrom: offset),
                                        defaultTimeout: 0, maxBytes: maxBytes, observe: observe, head: head, progress: progress)
            guard var error = Self.failure(of: outcome, for: attemptRequest) else {
                if continuing { unlink(record.path) }
                return HTTPResponse(status: outcome.status, headers: outcome.headers, body: Data())
            }
            let resumable = outcome.status == 206 || outcome.headers["Accept-Ranges"]?.lowercased() == "bytes"
            if outcome.status == 416 && offset > 0 {
                // The kept part is not a prefix the server can continue (it may be whole already):
                // start over rather than fail.
                configuration.log?("! the server cannot continue from byte \(offset); starting over")
                offset = 0
                validator = nil
                unlink(record.path)
                continue
            }
            if outcome.rangeMismatch != nil {
                offset = 0
                error = .connectionFailed(method: request.method.rawValue, url: request.redactedURL,
                                          host: request.url.host ?? "", message: outcome.rangeMismatch ?? "")
            } else if error.isDropped, resumable, outcome.fileBytes > offset {
                validator = Self.rangeValidator(outcome.headers) ?? validator
                // Progress was made: resume at once and do not count this attempt against the policy.
                configuration.log?("! connection dropped after \(outcome.fileBytes) bytes; resuming")
                offset = outcome.fileBytes
                attempt = 0
                started = clock.now
                continue
            } else if !resumable {
                offset = 0
            }
            try await pauseBeforeRetry(after: error, attempt: attempt, elapsed: Self.seconds(clock.now - started),
                                       policy: policy, request: request, retryAfter: outcome.headers["Retry-After"])
        }
    }

    /// The file beside a download's `destination` that keeps, for a later `continuing` download, what
    /// identifies the version of the file begun (`<destination>.resume`).
    public static func resumeRecord(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".resume")
    }

    /// Keeps what identifies the version of a file a whole answer (200) starts, for a later run, when
    /// the server takes ranges; a 206 continues the version already recorded.
    private static func recordVersion(status: Int, headers: HTTPHeaders, in record: URL) {
        guard status == 200 else { return }
        if headers["Accept-Ranges"]?.lowercased() == "bytes", let validator = rangeValidator(headers) {
            try? Data(validator.utf8).write(to: record)
        } else {
            unlink(record.path)
        }
    }

    /// The bytes kept in `destination` and the validator they were sent with, when both are there.
    private static func keptDownload(_ destination: URL) -> (bytes: Int64, validator: String)? {
        var info = stat()
        guard stat(destination.path, &info) == 0, info.st_size > 0,
              let data = try? Data(contentsOf: resumeRecord(for: destination)),
              let validator = String(data: data, encoding: .utf8), !validator.isEmpty else { return nil }
        return (Int64(info.st_size), validator)
    }

    /// What identifies this version of a file for `If-Range`: a strong ETag, else Last-Modified.
    private static func rangeValidator(_ headers: HTTPHeaders) -> String? {
        if let etag = headers["ETag"], !etag.hasPrefix("W/") { return etag }
        return headers["Last-Modified"]
    }

    /// The server-sent events of a streaming response, in order; ends when the server closes the
    /// stream and throws ``HTTPError`` on failure. Stopping the iteration cancels the transfer.
    public func events(_ request: HTTPRequest) -> AsyncThrowingStream<ServerSentEvent, Error> {
        var request = request
        if !request.headers.contains("Accept") { request.headers.set("Accept", "text/event-stream") }
        let engine = self.engine
        let job = request
        let paced = HTTPSendPacing.current != nil
        let configuration = configuration
        return AsyncThrowingStream { continuation in
            let id = engine.makeID()
            @Sendable func start(_ report: SendReport?) {
                engine.start(TransferJob(
                    id: id, request: job, destination: .events { continuation.yield($0) },
                    connectTimeout: job.connectTimeout ?? configuration.connectTimeout, timeout: job.timeout ?? 0,
                    stallTimeout: job.stallTimeout ?? configuration.stallTimeout, progress: nil, log: configuration.log,
                    sendReport: report,
                    completion: { outcome in
                        report?.report(nil)
                        if let error = Self.failure(of: outcome, for: job) {
                            continuation.finish(throwing: error)
                        } else {
                            continuation.finish()
                        }
                    }))
            }
            guard paced else {
                continuation.onTermination = { _ in
                    withExtendedLifetime(self) { engine.cancel(id) }
                }
                start(nil)
                return
            }
            // A paced stream waits for its turn first (the task-local is inherited by this task).
            let waiting = Task {
                do {
                    let report = try await HTTPSendPacing.turn()
                    guard !Task.isCancelled else {
                        report?.report(nil)
                        throw CancellationError()
                    }
                    start(report)
                } catch {
                    continuation.finish(throwing: Self.failure(of: Self.unpaced(error, job), for: job))
                }
            }
            continuation.onTermination = { _ in
                waiting.cancel()
                withExtendedLifetime(self) { engine.cancel(id) }
            }
        }
    }

    // MARK: Internals

    func perform(_ request: HTTPRequest, destination: TransferDestination, defaultTimeout: Double,
                 maxBytes: Int64? = nil, observe: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil,
                 head: (@Sendable (Int, HTTPHeaders) -> Void)? = nil,
                 progress: (@Sendable (DownloadProgress) -> Void)? = nil) async -> TransferOutcome {
        let report: SendReport?
        do {
            report = try await HTTPSendPacing.turn()
        } catch {
            return Self.unpaced(error, request)
        }
        let engine = self.engine
        let id = engine.makeID()
        let job = TransferJob(
            id: id, request: request, destination: destination,
            connectTimeout: request.connectTimeout ?? configuration.connectTimeout,
            timeout: request.timeout ?? defaultTimeout, stallTimeout: request.stallTimeout ?? configuration.stallTimeout,
            progress: progress, maxBytes: maxBytes, chunkObserver: observe, headObserver: head,
            log: configuration.log, sendReport: report, completion: { _ in })
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TransferOutcome, Never>) in
                var started = job
                started.completion = { outcome in
                    // However it ended (refused, cancelled while queued, failed): a turn not told yet never left.
                    report?.report(nil)
                    continuation.resume(returning: outcome)
                }
                engine.start(started)
                if Task.isCancelled { engine.cancel(id) }
            }
        } onCancel: {
            engine.cancel(id)
        }
    }

    /// The outcome of a request whose turn to leave never came: cancelled, or refused by the pacing.
    private static func unpaced(_ error: any Error, _ request: HTTPRequest) -> TransferOutcome {
        var outcome = TransferOutcome()
        if error is CancellationError || Task.isCancelled {
            outcome.cancelled = true
        } else {
            outcome.setupError = .connectionFailed(method: request.method.rawValue, url: request.redactedURL,
                                                   host: request.url.host ?? "", message: "no turn to send: \(error)")
        }
        return outcome
    }

    /// Waits before the next attempt, or throws when the failure is final.
    private func pauseBeforeRetry(after error: HTTPError, attempt: Int, elapsed: Double, policy: RetryPolicy,
                                  request: HTTPRequest, retryAfter: String?) async throws {
        let method = request.method.rawValue
        let url = request.redactedURL
        let safe = request.isIdempotent || (policy.retriesRateLimitedWrites && error.statusCode == 429)
        guard policy.isRetryable(error), safe, policy.maxAttempts > 1 else { throw error }
        guard attempt < policy.maxAttempts else {
            throw HTTPError.retriesExhausted(method: method, url: url, attempts: attempt, last: error)
        }
        let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter)
        guard elapsed + delay <= policy.maxTotalTime else {
            throw HTTPError.retriesExhausted(method: method, url: url, attempts: attempt, last: error)
        }
        configuration.log?("! attempt \(attempt) failed (\(error.errorDescription ?? "")); retrying in \(String(format: "%.2f", delay)) s")
        do {
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
        } catch {
            throw HTTPError.cancelled(method: method, url: url)
        }
    }

    /// The error an outcome stands for, nil for a completed 2xx transfer.
    static func failure(of outcome: TransferOutcome, for request: HTTPRequest) -> HTTPError? {
        // A plain success, checked first: the redacted URL below is only for errors, and parsing it
        // for every request was a noticeable share of a batch's HTTP work.
        if !outcome.cancelled, outcome.setupError == nil, outcome.fileError == nil, outcome.oversize == nil,
           outcome.rangeMismatch == nil, outcome.curlCode == 0, (200..<300).contains(outcome.status) {
            return nil
        }
        let method = request.method.rawValue
        let url = request.redactedURL
        let host = request.url.host ?? ""
        if outcome.cancelled { return .cancelled(method: method, url: url) }
        if let setupError = outcome.setupError { return setupError }
        if let target = outcome.refusedRedirect { return .redirectRefused(method: method, url: url, target: target) }
        if let seconds = outcome.stalled {
            return .stalled(method: method, url: url, seconds: seconds, answered: outcome.status > 0, received: outcome.received)
        }
        if let fileError = outcome.fileError { return .fileError(path: fileError.path, message: fileError.message) }
        if let oversize = outcome.oversize {
            return .tooLarge(method: method, url: url, limit: oversize.limit, size: oversize.size)
        }
        if let mismatch = outcome.rangeMismatch { return .invalidResponse(method: method, url: url, message: mismatch) }
        switch outcome.curlCode {
        case 0:
            break
        case let code where outcome.requestSent && [18, 52, 56, 92].contains(code):
            // Partial body, empty reply, receive failure, HTTP/2 stream error: after
            // the request left, so the server may have carried it out.
            return .answerLost(method: method, url: url, status: outcome.status, message: outcome.curlMessage)
        case 28:
            let limit = outcome.connected ? outcome.timeout : outcome.connectTimeout
            return .timeout(method: method, url: url, seconds: limit > 0 ? limit : nil, message: outcome.curlMessage)
        case 35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
            return .tlsFailure(method: method, url: url, host: host, message: outcome.curlMessage)
        default:
            return .connectionFailed(method: method, url: url, host: host, message: outcome.curlMessage)
        }
        guard (200..<300).contains(outcome.status) else {
            return .status(method: method, url: url, code: outcome.status, body: excerpt(outcome.body))
        }
        return nil
    }

    private static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(2048), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
