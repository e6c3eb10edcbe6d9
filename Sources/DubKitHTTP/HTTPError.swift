import Foundation

/// Why an HTTP call failed; every message names the method, the URL (secrets redacted) and what to do.
public indirect enum HTTPError: Error, LocalizedError, Sendable, Equatable {
    /// The server could not be reached or the connection broke (curl's message, the host).
    case connectionFailed(method: String, url: String, host: String, message: String)
    /// The connect or overall time limit passed.
    case timeout(method: String, url: String, seconds: Double?, message: String)
    /// Once connected, nothing arrived (and nothing could be sent) for `seconds`: the server accepted
    /// the request and went silent, before its answer (`answered` false) or part-way through its body
    /// (`received` bytes of it had arrived).
    case stalled(method: String, url: String, seconds: Double, answered: Bool, received: Int64)
    /// A redirect to `target` was not followed: from https to plain http, or to a scheme other than http(s).
    case redirectRefused(method: String, url: String, target: String)
    /// The request left whole, and its answer never came or was cut off (`status` 0 when nothing of it
    /// came): the server may have carried the request out.
    case answerLost(method: String, url: String, status: Int, message: String)
    /// The TLS handshake or certificate verification failed.
    case tlsFailure(method: String, url: String, host: String, message: String)
    /// The server answered with a status outside 2xx; `body` is the start of its answer.
    case status(method: String, url: String, code: Int, body: String)
    /// Every attempt allowed by the retry policy failed; `last` is the final failure.
    case retriesExhausted(method: String, url: String, attempts: Int, last: HTTPError)
    /// The caller cancelled the request.
    case cancelled(method: String, url: String)
    /// A local file to send or to write could not be used.
    case fileError(path: String, message: String)
    /// A download's body is larger than the caller's limit (announced by the server, or seen while
    /// streaming); `size` is the announced size or the bytes reached when the transfer stopped.
    case tooLarge(method: String, url: String, limit: Int64, size: Int64)
    /// The server's answer broke the protocol (e.g. a range that does not match what was asked).
    case invalidResponse(method: String, url: String, message: String)

    /// The status code when the failure (or the last retry) was a status error.
    public var statusCode: Int? {
        switch self {
        case .status(_, _, let code, _): code
        case .retriesExhausted(_, _, _, let last): last.statusCode
        default: nil
        }
    }

    /// True when the connection went down (before or after the request left): worth trying again where
    /// the request may be repeated, and a download may continue from its bytes.
    public var isDropped: Bool {
        switch self {
        case .connectionFailed, .answerLost: true
        default: false
        }
    }

    /// True when the request had left and no whole answer came (lost, cut off, or a stall within the
    /// bounds), also as the last of exhausted retries: the server may have carried the request out, so a
    /// paid request must not be sent again on this alone.
    public var answerMayHaveBeenActedOn: Bool {
        switch self {
        case .answerLost, .stalled: true
        case let .retriesExhausted(_, _, _, last): last.answerMayHaveBeenActedOn
        default: false
        }
    }

    /// A sentence a user can act on.
    public var errorDescription: String? {
        switch self {
        case let .connectionFailed(method, url, host, message):
            "\(method) \(url): could not connect to \(host): \(message). Check the network connection, proxy settings and the service's address."
        case let .timeout(method, url, seconds, message):
            "\(method) \(url) timed out\(seconds.map { " after \(Self.format($0)) s" } ?? ""): \(message). Try again later or allow a longer timeout (\(NetworkBounds.connectVariable) sets the time to connect)."
        case let .stalled(method, url, seconds, answered, received):
            "\(method) \(url): \(answered ? "the answer stopped after \(received) bytes and" : "the server accepted the request but") sent nothing for \(Self.format(seconds)) s, so DubKit stopped waiting. Run the same command again to continue (a download resumes from the bytes already on disk where the server allows it); \(NetworkBounds.stallVariable) sets how long to wait."
        case let .redirectRefused(method, url, target):
            "\(method) \(url) redirected to \(target), which is refused: only http(s) is followed, and never from https to plain http, where the answer could be read or changed on the way. Ask for an https address that does not redirect to http."
        case let .answerLost(method, url, status, message):
            "\(method) \(url): the request was sent and its answer \(status > 0 ? "was cut off after status \(status)" : "never came") (\(message)); the server may have carried it out."
        case let .tlsFailure(method, url, host, message):
            "\(method) \(url): secure connection to \(host) failed: \(message). Check the system clock and CA certificates (ca-certificates); verification cannot be turned off."
        case let .status(method, url, code, body):
            "\(method) \(url) failed with HTTP \(code)\(body.isEmpty ? "" : ": \(body)"). \(Self.advice(forStatus: code))"
        case let .retriesExhausted(method, url, attempts, last):
            "\(method) \(url) failed after \(attempts) attempts; last error: \(last.errorDescription ?? "unknown"). The service may be down or rate limiting; try again later."
        case let .cancelled(method, url):
            "\(method) \(url) was cancelled."
        case let .fileError(path, message):
            "Cannot use file \(path): \(message). Check that it exists and is readable (or its folder writable)."
        case let .tooLarge(method, url, limit, size):
            "\(method) \(url): the body (\(size) bytes or more) is over the limit of \(limit) bytes; the download was stopped. Raise the limit if the file is expected to be this large."
        case let .invalidResponse(method, url, message):
            "\(method) \(url) returned an invalid response: \(message). Try again; report it if it persists."
        }
    }

    private static func advice(forStatus code: Int) -> String {
        switch code {
        case 401, 403: "Check the API key and its permissions."
        case 404: "Check the URL and the identifier used."
        case 413: "The upload is too large for the service."
        case 429: "The service is rate limiting; wait and try again."
        case 400..<500: "Check the request's parameters."
        case 500..<600: "The service failed; try again later."
        default: "Unexpected answer."
        }
    }

    private static func format(_ seconds: Double) -> String {
        NetworkBounds.format(seconds)
    }
}
