import Foundation

/// The one check that text is a web address: an absolute `http` or `https` URL (either case) that
/// names a host. Base URLs, links, presigned and published addresses all go through it.
public enum WebAddress {
    /// The schemes a web address may have.
    public static let schemes: Set<String> = ["http", "https"]

    /// `text` as a URL when it is an http(s) address with a host, else nil.
    public static func url(_ text: String) -> URL? {
        guard let url = URL(string: text), isWeb(url) else { return nil }
        return url
    }

    /// Whether `url` is http(s) and names a host.
    public static func isWeb(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), schemes.contains(scheme), let host = url.host else { return false }
        return !host.isEmpty
    }
}
