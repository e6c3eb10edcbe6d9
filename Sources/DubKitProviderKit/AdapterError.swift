import DubKit
import DubKitHTTP
import Foundation

/// An adapter's own error type as the kit's shared pieces (``ProviderAPI``, ``SynchronousDubs``) make
/// it: the failures every adapter has, under the same names (an enum's cases of these names and labels
/// fit), and the adapter's reading of a refusal. The adapter words each one in its messages.
public protocol AdapterError: Error {
    /// A value the provider would refuse, or a step the job is not ready for, caught before any request.
    static func invalidValue(field: String, value: String, allowed: String) -> Self
    /// No answer: the request did not leave whole (refused, dropped, timed out before it was sent).
    static func unreachable(operation: String, detail: String) -> Self
    /// The request left whole and its answer never came or was cut off: it may have been carried out.
    static func answerLost(operation: String, detail: String) -> Self
    /// True for ``answerLost(operation:detail:)``.
    var isAnswerLost: Bool { get }
    /// An answer that is not what the documentation describes.
    static func invalidResponse(operation: String, detail: String) -> Self
    /// A local job file or folder that is gone or cannot be read or written; `detail` says what to do.
    static func jobState(path: String, detail: String) -> Self
    /// The error for a response whose status is not 2xx: the service's own code and message, its `Retry-After`.
    static func refusal(_ response: HTTPResponse, operation: String) -> Self
    /// The seconds a 2xx answer asks to wait before the next request (a spent rate-limit window), which
    /// ``ProviderAPI`` hands the core's pacing (``ServiceWait``); nil (the default) when it asks none.
    static func wait(after response: HTTPResponse) -> Double?
}

extension AdapterError {
    public static func wait(after response: HTTPResponse) -> Double? { nil }
}

extension AdapterError {
    /// The adapter's error for a request that failed without a readable answer: answer lost when the
    /// request had left whole (see ``HTTPError/answerLost(method:url:status:message:)``), else unreachable.
    public static func noAnswer(_ error: any Error, operation: String, detail: String) -> Self {
        (error as? HTTPError)?.answerMayHaveBeenActedOn == true
            ? .answerLost(operation: operation, detail: detail)
            : .unreachable(operation: operation, detail: detail)
    }

    /// A service's message as an error quotes it: on one line, at most `limit` characters, `(no details)` when empty.
    public static func summary(_ text: String, limit: Int = 300) -> String {
        let line = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return "(no details)" }
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}
