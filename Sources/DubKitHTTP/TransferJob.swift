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
    /// Seconds without a byte either way, once connected, before the transfer is given up; 0 for none.
    var stallTimeout: Double
    var progress: (@Sendable (DownloadProgress) -> Void)?
    /// For a file download: the most bytes the file may reach; a larger body stops the transfer.
    var maxBytes: Int64? = nil
    /// For a file download: sees every chunk once it is written, with the file offset it was written at.
    var chunkObserver: (@Sendable (UnsafeRawBufferPointer, Int64) -> Void)? = nil
    /// For a file download: sees the status and headers of a 2xx answer before its body is written.
    var headObserver: (@Sendable (Int, HTTPHeaders) -> Void)? = nil
    var log: (@Sendable (String) -> Void)?
    /// For a paced request: told when its head went to the network (libcurl's first outgoing header).
    var sendReport: SendReport? = nil
    var completion: @Sendable (TransferOutcome) -> Void
}
