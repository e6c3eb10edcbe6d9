import Foundation

/// Hides secrets (API keys, tokens, signatures) in URLs and header values before they are printed.
public enum Redaction {
    /// What replaces a secret.
    public static let mask = "***"

    /// True for header names that carry credentials (`Authorization`, `xi-api-key`, `X-Api-Key`, …).
    public static func isSecretHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie", "set-cookie"].contains(lowered) { return true }
        return isSecretName(lowered)
    }

    /// True for query parameter names that carry credentials (`key`, `api_key`, `token`, `X-Amz-Signature`, …).
    public static func isSecretQueryItem(_ name: String) -> Bool {
        isSecretName(name.lowercased())
    }

    /// The header value to print: `***` for credential headers, redirect targets with their secret
    /// query parameters masked (presigned URLs), the value otherwise.
    public static func headerValue(name: String, value: String) -> String {
        if isSecretHeader(name) { return mask }
        if ["location", "content-location"].contains(name.lowercased()) { return url(value) }
        return value
    }

    /// The URL with secret query values and any user:password replaced by `***`.
    public static func url(_ string: String) -> String {
        guard var components = URLComponents(string: string) else { return redactQueryText(string) }
        if components.user != nil { components.user = mask }
        if components.password != nil { components.password = mask }
        if let items = components.percentEncodedQueryItems {
            components.percentEncodedQueryItems = items.map { item in
                isSecretQueryItem(item.name) && item.value != nil ? URLQueryItem(name: item.name, value: mask) : item
            }
        }
        return components.string ?? redactQueryText(string)
    }

    private static func isSecretName(_ lowered: String) -> Bool {
        let compact = lowered.replacingOccurrences(of: "-", with: "_")
        if compact == "key" || compact == "sig" || compact == "code" { return true }
        return ["api_key", "apikey", "_key", "key_", "token", "secret", "signature", "password", "credential",
                "session", "auth"].contains { compact.contains($0) }
    }

    /// Fallback for strings URLComponents refuses: masks every `name=value` whose name looks secret.
    private static func redactQueryText(_ string: String) -> String {
        guard let question = string.firstIndex(of: "?") else { return string }
        let head = string[..<question]
        let query = string[string.index(after: question)...]
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals]
            return isSecretQueryItem(String(name)) ? "\(name)=\(mask)" : String(pair)
        }
        return head + "?" + pairs.joined(separator: "&")
    }
}
