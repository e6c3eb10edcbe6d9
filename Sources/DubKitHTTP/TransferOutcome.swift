import Foundation

/// What one finished (or failed, or cancelled) transfer produced.
struct TransferOutcome: Sendable {
    /// libcurl's result code; 0 is success.
    var curlCode: Int = 0
    /// libcurl's message for a failure.
    var curlMessage: String = ""
    /// The final status, 0 when no response arrived.
    var status: Int = 0
    var headers = HTTPHeaders()
    /// The body in memory mode, or the start of an error body otherwise.
    var body = Data()
    /// Bytes of the destination file after the transfer.
    var fileBytes: Int64 = 0
    /// Body bytes this transfer received (whatever the destination).
    var received: Int64 = 0
    /// True once the connection was made and the request was about to go out.
    var connected = false
    /// The limits the transfer ran with.
    var connectTimeout: Double = 0
    var timeout: Double = 0
    /// Set when the transfer was given up for sending and receiving nothing this many seconds.
    var stalled: Double?
    /// Set when a redirect was refused: where it pointed (secrets redacted).
    var refusedRedirect: String?
    /// Set when a 206 answer did not start where the resume asked.
    var rangeMismatch: String?
    /// Set when a download went over its byte limit: the size announced or reached, and the limit.
    var oversize: (size: Int64, limit: Int64)?
    /// Set when a local file could not be read or written: its path and the reason.
    var fileError: (path: String, message: String)?
    /// Set when the request could not be started (e.g. a file to upload is missing).
    var setupError: HTTPError?
    /// True once the whole request had left (libcurl counted its bytes): a failure after that may come
    /// after the server carried the request out.
    var requestSent = false
    var cancelled = false
}
