import Foundation

/// Where the turns of a provider's pacing rules are kept so that every process on one project sees
/// them (``SharedPacer``): the project's SQLite store (``ProjectStore``) or its PostgreSQL store for a
/// fleet (`PostgresStore`). Its requirements are `async` (PostgreSQL's are network calls); errors are
/// the store's own. A turn of a key is held by one runner at a time; the next starts no sooner than
/// the spacing after the last request of the previous turn left.
public protocol PaceStore: Sendable {
    /// Starts a turn of `key` of `provider` for `holder` (its turn `number`) when no live holder has
    /// one, the key's last send is `spacingMs` behind `nowMs` and the provider is not paused; else
    /// says when to try again. A holder that is gone (a process of this machine that died) or whose
    /// lease (`leaseMs` from its start) ran out holds nothing. With `spacingMs` 0 only a pause waits,
    /// and nothing is written.
    func startTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64, spacingMs: Int64,
                   leaseMs: Int64, nowMs: Int64) async throws -> PaceStart

    /// Ends `holder`'s turn `number` of `key`: its last request left at `lastSentMs` (nil: none left).
    func endTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64,
                 lastSentMs: Int64?) async throws

    /// Holds every turn of `provider` back until `untilMs` (the service asked to wait).
    func pause(provider: String, untilMs: Int64) async throws
}

/// What ``PaceStore/startTurn(provider:key:holder:number:spacingMs:leaseMs:nowMs:)`` decided.
public enum PaceStart: Sendable, Equatable {
    /// The turn is the caller's.
    case started
    /// Not yet: try again at this wall-clock time (milliseconds since 1970).
    case wait(untilMs: Int64)

    /// How soon a turn held by a live runner is looked at again, in milliseconds.
    public static let heldRetryMs: Int64 = 20
}
