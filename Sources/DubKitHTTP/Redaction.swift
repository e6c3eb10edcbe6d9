import Foundation

/// Hides secrets (API keys, tokens, signatures) in URLs and header values before they are printed.
/// ``url(_:)`` is the one function every printed link goes through (errors, logs, progress, `dub show`
/// and `dub list`, `media probe`, the review page); what is stored keeps the full link.
///
/// The rule for a query (or fragment) parameter: its name, lower-cased and with `-` read as `_`, is
/// secret when it is `sig`, `code`, `pwd`, `md5`, `jwt` or `hmac`, ends in `key` or starts with
/// `key_`, or contains `_key`, `accesskey`, `token`, `secret`, `signature`, `password`, `passwd`, `credential`,
/// `session` or `auth`. So `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`,
/// `X-Goog-Signature`, `Signature`, `Key-Pair-Id`, `AWSAccessKeyId`, `api_key`, `apikey`,
/// `access_token`, `client_secret` and `password` are masked; `voice`, `expires`, `v` are not.
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

    /// The URL with secret query (and fragment) parameter values and any user:password replaced by `***`.
    public static func url(_ string: String) -> String {
        guard var components = URLComponents(string: string) else { return redactText(string) }
        if components.user != nil { components.user = mask }
        if components.password != nil { components.password = mask }
        if let items = components.percentEncodedQueryItems {
            components.percentEncodedQueryItems = items.map { item in
                isSecretQueryItem(item.name) && item.value != nil ? URLQueryItem(name: item.name, value: mask) : item
            }
        }
        if let fragment = components.percentEncodedFragment, fragment.contains("=") {
            components.percentEncodedFragment = redactPairs(Substring(fragment))
        }
        return components.string ?? redactText(string)
    }

    private static func isSecretName(_ lowered: String) -> Bool {
        let compact = lowered.replacingOccurrences(of: "-", with: "_")
        if ["sig", "code", "pwd", "md5", "jwt", "hmac"].contains(compact) || compact.hasSuffix("key") || compact.hasPrefix("key_") {
            return true
        }
        return ["_key", "accesskey", "token", "secret", "signature", "password", "passwd", "credential", "session", "auth"]
            .contains { compact.contains($0) }
    }

    /// Fallback for strings URLComponents refuses: masks every `name=value` whose name looks secret,
    /// after the `?` and after the `#`.
    private static func redactText(_ string: String) -> String {
        guard let start = string.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return string }
        var result = String(string[...start])
        var rest = string[string.index(after: start)...]
        if string[start] == "?", let hash = rest.firstIndex(of: "#") {
            result += redactPairs(rest[..<hash]) + "#"
            rest = rest[rest.index(after: hash)...]
        }
        return result + redactPairs(rest)
    }

    /// `a=1&key=2` with the values of secret-looking names masked.
    private static func redactPairs(_ text: Substring) -> String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals]
            return isSecretQueryItem(String(name)) ? "\(name)=\(mask)" : String(pair)
        }.joined(separator: "&")
    }
}
