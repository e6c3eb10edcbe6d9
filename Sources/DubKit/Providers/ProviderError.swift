import Foundation

/// Errors of providers and the registry, with the provider's own code and message where there is one.
public enum ProviderError: Error, Sendable, Equatable {
    /// No compiled-in adapter or external plugin has this id.
    case unknownProvider(id: String, known: [String])
    /// The provider does not offer an operation.
    case unsupported(provider: String, operation: String)
    /// A value outside what the provider accepts, caught before any request.
    case invalidParameter(provider: String, field: String, value: String, allowed: String)
    /// The provider needs an API key and none is configured.
    case missingKey(provider: String, variable: String)
    /// The service answered with an error.
    case remote(provider: String, status: Int?, code: String, message: String)
    /// No answer came (connection refused, dropped or timed out): a request that was sent may or may
    /// not have been carried out, so a paid step must be looked up before it is sent again.
    case unreachable(provider: String, detail: String)
    /// The request went out and its answer was lost (dropped or cut off after sending): it may have
    /// been carried out, and paid for. A paid step is looked up where the service allows, and is
    /// never sent again without the user's leave where it does not.
    case answerLost(provider: String, detail: String)
    /// The service asked to slow down (HTTP 429); `retryAfter` is its wait in seconds, when it said.
    case rateLimited(provider: String, retryAfter: Double?, message: String)
    /// An external plugin could not be started, or ended while a request was pending.
    case pluginCrashed(path: String, detail: String)
    /// An external plugin did not answer within the time allowed; it was stopped.
    case pluginTimedOut(path: String, method: String, seconds: Double)
    /// An external plugin broke the JSON-lines protocol.
    case pluginProtocol(path: String, detail: String)
    /// A credentials file that others can read, or that cannot be read or written.
    case credentials(path: String, detail: String)
    /// An external plugin that others could have changed (``PluginTrust``); it was not run.
    case untrustedPlugin(PluginRefusal)
}

extension ProviderError: LocalizedError {
    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .unknownProvider: "unknown_provider"
        case .unsupported: "unsupported"
        case .invalidParameter: "invalid_parameter"
        case .missingKey: "missing_key"
        case let .remote(_, _, code, _): code
        case .unreachable: "unreachable"
        case .answerLost: "answer_lost"
        case .rateLimited: "rate_limited"
        case .pluginCrashed: "plugin_crashed"
        case .pluginTimedOut: "plugin_timed_out"
        case .pluginProtocol: "plugin_protocol"
        case .credentials: "credentials"
        case .untrustedPlugin: "plugin_untrusted"
        }
    }

    public var errorDescription: String? {
        switch self {
        case let .unknownProvider(id, known):
            "no provider '\(id)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case let .unsupported(provider, operation):
            "provider \(provider) does not support \(operation)"
        case let .invalidParameter(provider, field, value, allowed):
            "\(provider): \(field) = \(value) is out of range: allowed \(allowed)"
        case let .missingKey(provider, variable):
            "provider \(provider) needs an API key and none is configured"
                + " (\(variable) is not set and no key was saved with `dubkit provider login \(provider)`)"
        case let .remote(provider, status, code, message):
            "\(provider) answered \(status.map { "HTTP \($0) " } ?? "")\(code): \(message)"
        case let .unreachable(provider, detail):
            "no answer from \(provider): \(detail)"
        case let .answerLost(provider, detail):
            "the answer of \(provider) was lost after the request was sent: \(detail)"
        case let .rateLimited(provider, retryAfter, message):
            "\(provider) is rate limiting requests\(retryAfter.map { " (retry after \(Int($0.rounded(.up))) s)" } ?? ""): \(message)"
        case let .pluginCrashed(path, detail):
            "plugin \(path) stopped: \(detail)"
        case let .pluginTimedOut(path, method, seconds):
            "plugin \(path) did not answer '\(method)' within \(seconds) s and was stopped"
        case let .pluginProtocol(path, detail):
            "plugin \(path) broke the protocol: \(detail)"
        case let .credentials(path, detail):
            "credentials file \(path): \(detail)"
        case let .untrustedPlugin(refusal):
            refusal.errorDescription
        }
    }

    public var recoverySuggestion: String? {
        switch self {
        case .unknownProvider: "run `dubkit provider list` to see the providers and plugins found"
        case let .missingKey(provider, variable): "export \(variable)=… or run `dubkit provider login \(provider)`"
        case .pluginCrashed, .pluginTimedOut, .pluginProtocol: "run it with --verbose to see the plugin's own log (stderr)"
        case .credentials: "run `chmod 600` on it, or delete it and log in again"
        case let .untrustedPlugin(refusal): refusal.fix
        case .unreachable, .answerLost: "check the network and the service's status, then run the same command again: it continues where it stopped"
        case .rateLimited: "wait a little and run the same command again, or run fewer dubs at once (--jobs)"
        default: nil
        }
    }
}

extension ProviderError {
    /// True when trying the same step again later may succeed: no answer, a rate limit, a timeout or
    /// a server-side failure (HTTP 408, 429 and 5xx).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .answerLost, .rateLimited: true
        case let .remote(_, status?, _, _): status == 408 || status == 429 || status >= 500
        default: false
        }
    }

    /// The wait the service asked for before the next request, in seconds.
    public var retryAfter: Double? {
        if case let .rateLimited(_, retryAfter, _) = self { return retryAfter }
        return nil
    }
}
