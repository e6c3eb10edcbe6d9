extension FakeVoiceDub {
    /// Something that goes wrong on purpose, injected per operation or at random.
    public enum Fault: Sendable, Equatable {
        /// 429 `rate_limit_exceeded` with `Retry-After` and `X-RateLimit-Remaining: 0`; nothing happens.
        case rateLimited(retryAfterSeconds: Int)
        /// 500 `internal_error`; nothing happens.
        case serverError
        /// The call is handled at once and answered after this long.
        case slow(Duration)
        /// The connection closes with nothing done: API calls get no answer, uploads are cut after half
        /// their body, downloads after half of theirs (with `Accept-Ranges`, so a client can resume).
        case dropConnection
        /// The call is answered normally, but the dub or voice it touches ends in `error` with this
        /// `errorCode`/`errorMessage` at its next status step (on a GET: if it is still moving).
        case dubFails(code: String, message: String)
        /// The call is handled (state changes, credits charged) and then the connection closes
        /// without an answer: the "unknown outcome" case.
        case dropAfterProcessing
        /// The dub's download is answered 200 with bytes that are not audio (a damaged object).
        case damagedResult
        /// The connection stays open and goes silent: API calls and uploads get no answer at all (nothing
        /// is done), downloads stop after half of their body (sent with `Accept-Ranges` and an `ETag`, so
        /// a client can continue later).
        case stall
    }
}
