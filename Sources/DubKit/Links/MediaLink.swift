import DubKitHTTP
import Foundation

/// An http(s) address of a media file or of a web page showing media, checked before anything is fetched.
public struct MediaLink: Sendable, Hashable, CustomStringConvertible {
    /// The schemes that are fetched; everything else is refused.
    public static let allowedSchemes = WebAddress.schemes

    /// The address.
    public let url: URL

    /// Checks `text`: an absolute http or https address with a host. Throws ``LinkError/refusedScheme(link:scheme:)``
    /// for file:, ftp:, data:, javascript: and every other scheme.
    public init(_ text: String) throws(LinkError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = Redaction.url(trimmed)
        guard let scheme = Self.scheme(of: trimmed) else {
            throw .invalid(link: shown, reason: "it is not an absolute address (no scheme such as https://)")
        }
        guard Self.allowedSchemes.contains(scheme) else { throw .refusedScheme(link: shown, scheme: scheme) }
        guard let url = WebAddress.url(trimmed) else {
            throw .invalid(link: shown, reason: "it names no host")
        }
        self.url = url
    }

    /// The link as safe to print: secret query parameters shown as `***`.
    public var description: String { Redaction.url(url.absoluteString) }

    /// The scheme `text` starts with (`https`, `file`, `data`, …) in lower case, or nil for a plain path.
    /// Commands that take a file or a link use it to tell them apart.
    public static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        let name = text[..<colon]
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        return name.lowercased()
    }
}
