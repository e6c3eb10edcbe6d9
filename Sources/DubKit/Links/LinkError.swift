import DubKitHTTP
import Foundation

/// Why a link could not be turned into a stored media file; each message names the link (secrets
/// in it shown as `***`) and what to do.
public enum LinkError: Error, LocalizedError, Sendable, Equatable {
    /// The text is not an absolute address with a host.
    case invalid(link: String, reason: String)
    /// A scheme other than http or https (file:, ftp:, data:, javascript:, …).
    case refusedScheme(link: String, scheme: String)
    /// The host could not be reached, the connection broke for good, or it timed out.
    case unreachable(link: String, host: String, detail: String)
    /// The server accepted the request and then sent nothing for `seconds` (before its answer, or
    /// part-way through the file); `kept` bytes stay on disk for the next run to continue from.
    case timedOut(link: String, seconds: Double, received: Int64, kept: Int64)
    /// The server redirected to `target`: from https to plain http, or to another scheme than http(s).
    case redirectRefused(link: String, target: String)
    /// The server answered with an error status (404 and the like).
    case httpStatus(link: String, code: Int)
    /// The file is larger than the size cap (announced by the server or seen while downloading).
    case tooLarge(link: String, limit: Int64, size: Int64)
    /// The link is a web page, not media, and `yt-dlp` is not on PATH to fetch the media it shows.
    case webPageNeedsYtDlp(link: String, contentType: String)
    /// `yt-dlp` ran but did not produce a media file.
    case ytDlpFailed(link: String, detail: String)
    /// What was downloaded is not media FFmpeg can read.
    case notMedia(link: String, detail: String)
    /// A local file or folder for the download could not be used.
    case io(path: String, reason: String)

    /// A stable machine-readable name, for `--json` and the dub's error code.
    public var code: String {
        switch self {
        case .invalid: "link.invalid"
        case .refusedScheme: "link.refused_scheme"
        case .unreachable: "link.unreachable"
        case .timedOut: "link.timed_out"
        case .redirectRefused: "link.redirect_refused"
        case .httpStatus(_, 404): "link.not_found"
        case .httpStatus: "link.http_status"
        case .tooLarge: "link.too_large"
        case .webPageNeedsYtDlp: "link.web_page"
        case .ytDlpFailed: "link.yt_dlp_failed"
        case .notMedia: "link.not_media"
        case .io: "link.io"
        }
    }

    /// True for mistakes in the link as typed (a usage error), false for what happened fetching it.
    public var isUsageError: Bool {
        switch self {
        case .invalid, .refusedScheme: true
        default: false
        }
    }

    public var errorDescription: String? {
        switch self {
        case let .invalid(link, reason):
            "link \(link) cannot be used: \(reason). Give an http:// or https:// address."
        case let .refusedScheme(link, scheme):
            "link \(link) uses '\(scheme):', which is refused: only http:// and https:// links are fetched. For a local file pass its path instead."
        case let .unreachable(link, host, detail):
            "link \(link): \(host) could not be reached (\(detail)). Check the address and the network, then run again."
        case let .timedOut(link, seconds, received, kept):
            "link \(link): the server \(received > 0 ? "stopped sending after \(received) bytes and" : "accepted the request but") sent nothing for \(NetworkBounds.format(seconds)) s, so DubKit stopped waiting. "
                + (kept > 0 ? "The \(kept) bytes received so far are kept: run the same command again (for a dub that stopped on it, `dubkit dub retry`) to continue the download from there."
                    : "Run the same command again (for a dub, `dubkit dub retry`) to try again.")
                + " \(NetworkBounds.stallVariable) sets how long to wait."
        case let .redirectRefused(link, target):
            "link \(link) redirects to \(target), which is refused: DubKit follows redirects to http(s) only, and never from https to plain http. Ask for a direct https link to the media."
        case let .httpStatus(link, 404):
            "link \(link) was not found (HTTP 404). Check the address."
        case let .httpStatus(link, code):
            "link \(link) answered HTTP \(code). Check the address, or try again later."
        case let .tooLarge(link, limit, size):
            "link \(link) is too large: \(size) bytes or more, over the limit of \(limit) bytes; nothing was kept. Raise the limit with --max-download if this is expected."
        case let .webPageNeedsYtDlp(link, contentType):
            "link \(link) is a web page (\(contentType)), not a media file. Install yt-dlp (it must be on PATH) to fetch the media a page shows, or give a direct link to the media file."
        case let .ytDlpFailed(link, detail):
            "yt-dlp could not fetch the media of \(link): \(detail)"
        case let .notMedia(link, detail):
            "link \(link) did not deliver media FFmpeg can read: \(detail)"
        case let .io(path, reason):
            "download file \(path): \(reason). Check the disk has room and the folder is writable."
        }
    }
}
