import DubKitHTTP
import Foundation

/// An adapter's error type as its ``ProviderAPI`` makes it: the three failures every HTTP API shares
/// (an enum's cases of these names and labels fit), and the adapter's reading of a refusal.
public protocol ProviderAPIError: Error {
    /// A value that cannot be sent (the base URL, a request's URL), caught before any request.
    static func invalidValue(field: String, value: String, allowed: String) -> Self
    /// No answer, or an answer cut off (refused, dropped, timed out).
    static func unreachable(operation: String, detail: String) -> Self
    /// An answer that is not what the documentation describes.
    static func invalidResponse(operation: String, detail: String) -> Self
    /// The error for a response whose status is not 2xx: the service's own code and message, its `Retry-After`.
    static func refusal(_ response: HTTPResponse, operation: String) -> Self
}

extension ProviderAPIError {
    /// A service's message as an error quotes it: on one line, at most 300 characters, `(no details)` when empty.
    public static func summary(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return "(no details)" }
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
