import Foundation
import GRDB

/// One line of the project's append-only log: a creation, a status change, or a note.
public struct Event: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"

    /// What happened.
    public enum Kind: String, Codable, Sendable {
        case created, transition, note
    }

    public internal(set) var id: Int64?
    public var at: Date
    public var entity: EntityKind
    public var entityID: Int64
    public var kind: Kind
    public var fromStatus: String?
    public var toStatus: String?
    public var message: String?

    public init(at: Date = Date(), entity: EntityKind, entityID: Int64, kind: Kind,
                fromStatus: String? = nil, toStatus: String? = nil, message: String? = nil) {
        self.at = at
        self.entity = entity
        self.entityID = entityID
        self.kind = kind
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case id, at, entity, entityID = "entity_id", kind
        case fromStatus = "from_status", toStatus = "to_status", message
    }

    /// Writes the columns as the Codable path would, without a Codable encoder per row.
    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["at"] = UTCDateText.storeValue(at)
        container["entity"] = entity.rawValue
        container["entity_id"] = entityID
        container["kind"] = kind.rawValue
        container["from_status"] = fromStatus
        container["to_status"] = toStatus
        container["message"] = message
    }

    /// Appends the event with a cached statement (every status change of every dub logs one); the
    /// same row as `insert(_:)`.
    mutating func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO event (at, entity, entity_id, kind, from_status, to_status, message) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [UTCDateText.storeValue(at), entity.rawValue, entityID, kind.rawValue, fromStatus,
                                     toStatus, message])
        id = db.lastInsertedRowID
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
