import Foundation

/// Keeps one rule of a provider's limits by when its requests actually left, as the service sees them:
/// turns of one key run one at a time, and a turn starts no sooner than ``interval`` (plus
/// ``RequestPacer/safetyMargin``) after the last request of the key's previous turn left. What a
/// turn covers is the caller's choice (``PacedProvider``: one request for the request rate, one call
/// for submissions and a job's polls). ``RequestPacer`` keeps it within one process; a pacer kept in
/// the store can replace it for a fleet of workers sharing a provider's limits, without touching adapters.
public protocol RequestPacing: Sendable {
    /// The least time between the sends of two turns of one key, in seconds, before the margin;
    /// with 0, turns run side by side and wait only while paused.
    var interval: Double { get }

    /// Waits until a turn of `key` may start; the caller must ``end(_:lastSent:)`` it.
    func take(_ key: String) async throws -> PacingTurn

    /// Ends `turn`: the last request it sent left at `lastSent` (nil: none left, so the next turn need
    /// not keep apart from it).
    func end(_ turn: PacingTurn, lastSent: ContinuousClock.Instant?) async

    /// Holds every turn back for `seconds` (the service asked to wait: a 429's Retry-After).
    func pause(_ seconds: Double) async
}

/// A turn handed out by a ``RequestPacing``.
public struct PacingTurn: Sendable, Hashable {
    /// The key it was taken under.
    public let key: String
    /// Tells the turns of one pacer apart.
    public let number: UInt64

    /// A turn of `key`.
    public init(key: String, number: UInt64) {
        self.key = key
        self.number = number
    }
}
