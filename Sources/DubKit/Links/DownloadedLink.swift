import Foundation

/// A link fetched into a media store: the stored file and how it was got.
public struct DownloadedLink: Sendable, Hashable, Codable {
    /// How the media was fetched.
    public enum Method: String, Sendable, Codable {
        /// Downloaded directly over HTTP.
        case http
        /// The link was a web page; `yt-dlp` fetched the media it shows.
        case ytDlp
    }

    /// The link as given (secrets shown as `***`).
    public var link: String
    /// The stored file: its SHA-256 and size.
    public var ref: MediaRef
    /// The server's Content-Type, when it sent one.
    public var contentType: String?
    public var method: Method
}
