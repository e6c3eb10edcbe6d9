import Foundation

/// Where a transfer puts the response body.
enum TransferDestination: Sendable {
    /// Collected in memory and returned in the outcome.
    case memory
    /// Written to a file, resuming after `resumeFrom` bytes when the server answers 206.
    case file(URL, resumeFrom: Int64)
    /// Parsed as server-sent events and handed over one by one.
    case events(@Sendable (ServerSentEvent) -> Void)
}

/// Everything the transfer thread needs to run one request; plain values only, so it can cross threads.
struct TransferJob: Sendable {
    var id: UInt64
    var request: HTTPRequest
    var destination: TransferDestination
    var connectTimeout: Double
    var timeout: Double
    var progress: (@Sendable (DownloadProgress) -> Void)?
    var log: (@Sendable (String) -> Void)?
    var completion: @Sendable (TransferOutcome) -> Void
}

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
    /// Set when a 206 answer did not start where the resume asked.
    var rangeMismatch: String?
    /// Set when a local file could not be read or written.
    var fileError: String?
    /// Set when the request could not be started (e.g. a file to upload is missing).
    var setupError: HTTPError?
    var cancelled = false
}
