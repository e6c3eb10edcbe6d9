import Foundation
import Synchronization

/// Decides when the requests a task sends may leave and hears when each one did. A provider's pacer
/// sets one for the calls it paces (``HTTPSendPacing/current``); every request an ``HTTPClient`` sends
/// in that task, each attempt of a retried one included, first waits for a turn and then reports the
/// instant its head went to the network.
public protocol SendPacing: Sendable {
    /// Waits until one more request may leave; throws when the task is cancelled meanwhile.
    func turn() async throws -> any SendTurn
}

/// One request's leave to go, told exactly once whether and when the request left.
public protocol SendTurn: Sendable {
    /// The request's head was handed to the network at `instant`; nil when it never left (no
    /// connection, cancelled first). Called on the transfer thread: it must return at once.
    func left(at instant: ContinuousClock.Instant?)
}

/// Where a task's ``SendPacing`` is set: `HTTPSendPacing.$current.withValue(pacing) { … }`.
public enum HTTPSendPacing {
    /// The pacing of the current task's requests; nil (the default) sends them unpaced.
    @TaskLocal public static var current: (any SendPacing)?

    /// Waits for a turn when the task is paced; nil when it is not.
    static func turn() async throws -> SendReport? {
        guard let pacing = current else { return nil }
        return SendReport(try await pacing.turn())
    }
}

/// Tells a turn once: the first report wins (the transfer's "left", or "never left" once it is over).
final class SendReport: Sendable {
    private let turn: any SendTurn
    private let told = Mutex(false)

    init(_ turn: any SendTurn) { self.turn = turn }

    /// Reports `instant` unless the turn was told already.
    func report(_ instant: ContinuousClock.Instant?) {
        let first = told.withLock { told in
            defer { told = true }
            return !told
        }
        if first { turn.left(at: instant) }
    }
}
