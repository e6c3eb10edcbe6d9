import Foundation

/// Which redirects DubKitHTTP follows: to http(s) only, and never from https down to plain http (a
/// provider's API or a signed link would otherwise hand its answer to anyone on the way). http may go
/// up to https. Checked at every hop, on the Location header, before libcurl follows it; libcurl's
/// own redirect protocol list (``protocols(from:)``) says the same for the first hop as a backstop.
public enum RedirectRule {
    /// The protocols libcurl may follow a redirect to from a request to `origin`
    /// (`CURLOPT_REDIR_PROTOCOLS_STR`): `https` from an https URL, `http,https` from an http one.
    public static func protocols(from origin: URL) -> String {
        origin.scheme?.lowercased() == "https" ? "https" : "http,https"
    }

    /// The absolute address a redirect from `current` to `location` (the Location header as sent,
    /// possibly relative) leads to when it must not be followed; nil when it may be followed.
    public static func refusedTarget(from current: URL, location: String) -> String? {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        guard let target = URL(string: trimmed, relativeTo: current)?.absoluteURL else {
            // Not an address Foundation can read: libcurl refuses it or resolves it within http(s).
            return nil
        }
        let from = current.scheme?.lowercased() ?? ""
        switch target.scheme?.lowercased() {
        case "https": return nil
        case "http" where from == "http": return nil
        default: return target.absoluteString
        }
    }
}
