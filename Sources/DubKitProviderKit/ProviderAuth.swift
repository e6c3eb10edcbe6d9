import DubKitHTTP

/// How a provider's API takes its key on every request ``ProviderAPI`` builds.
public enum ProviderAuth: Sendable, Hashable {
    /// `Authorization: <scheme> <key>` (`Bearer`, VoiceDub's `Api-Key`).
    case authorization(String)
    /// The key alone in a header of its own (ElevenLabs's `xi-api-key`).
    case header(String)
}

extension HTTPResponse {
    /// The seconds `Retry-After` asks to wait (a number of seconds or an HTTP date), nil when it does not say.
    public var retryAfter: Double? {
        headers["Retry-After"].flatMap { RetryPolicy.parseRetryAfter($0) }
    }
}
