import Foundation
import GRDB

/// The cause recorded when an entity enters `error`.
public struct FailureInfo: Sendable, Hashable, Codable {
    /// A stable code (the provider's own, or DubKit's).
    public var code: String
    /// What happened, for a person.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// The one way a dub's or a voice's status is written: check the table, update, log, in one transaction.
enum Transition {
    /// Moves the row `id` of `S`'s table to `next` and appends the event, inside the caller's transaction.
    /// Entering `error` records `failure`; leaving it (a retry) clears the recorded error.
    static func apply<S: LifecycleStatus>(
        _ next: S, id: Int64, failure: FailureInfo?, message: String?, in db: Database, now: Date
    ) throws -> S {
        let table = S.entity.rawValue
        // Cached statements: a batch writes thousands of transitions, and parsing SQL was a tenth of its CPU.
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM \(table) WHERE id = ?"), arguments: [id]) else {
            let project = try String.fetchOne(db, sql: "SELECT name FROM project") ?? "?"
            throw DubKitError.notFound(entity: S.entity, key: String(id), project: project)
        }
        guard let current = S(rawValue: text) else {
            throw DubKitError.invalidField(field: "\(table).status", value: text, allowed: S.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try current.checkTransition(to: next, id: id)
        let entersError = next.rawValue == "error"
        try db.cachedStatement(sql: "UPDATE \(table) SET status = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [next.rawValue, entersError ? failure?.code : nil, entersError ? failure?.message : nil,
                               UTCDateText.storeValue(now), id])
        var event = Event(
            at: now, entity: S.entity, entityID: id, kind: .transition,
            fromStatus: current.rawValue, toStatus: next.rawValue,
            message: message ?? (entersError ? failure.map { "\($0.code): \($0.message)" } : nil))
        try event.insert(db)
        return current
    }
}

/// A record whose row's status follows a ``LifecycleStatus`` table: a dub or a voice.
public protocol StatusTracked {
    /// The statuses its row goes through.
    associatedtype Status: LifecycleStatus
}

extension StatusTracked {
    /// Moves the row `id` (a dub's or a voice's) to `next` within an open transaction; throws on an
    /// illegal transition.
    @discardableResult
    public static func transition(
        _ id: Int64, to next: Status, failure: FailureInfo? = nil, message: String? = nil,
        in db: Database, now: Date = Date()
    ) throws -> Status {
        try Transition.apply(next, id: id, failure: failure, message: message, in: db, now: now)
    }
}

extension Dub: StatusTracked {
    /// A dub's statuses.
    public typealias Status = DubStatus
}

extension Voice: StatusTracked {
    /// A voice's statuses.
    public typealias Status = VoiceStatus
}
