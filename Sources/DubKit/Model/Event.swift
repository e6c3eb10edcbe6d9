import Foundation
import GRDB

/// One line of the project's append-only log: a creation, a status change, or a note.
public struct Event: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "event"

    /// What happened.
    public enum Kind: String, Codable, Sendable, CaseIterable {
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

    /// The columns of the `event` table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, at, entity, entityID = "entity_id", kind
        case fromStatus = "from_status", toStatus = "to_status", message
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    /// Reads a row through its ``Columns``, as the Codable decoding does; an unknown entity or kind
    /// throws ``DubKitError/invalidField(field:value:allowed:)`` naming the column.
    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        at = try row.decode(forColumn: Columns.at)
        entity = try row.known(Columns.entity)
        entityID = try row.decode(forColumn: Columns.entityID)
        kind = try row.known(Columns.kind)
        fromStatus = try row.decode(forColumn: Columns.fromStatus)
        toStatus = try row.decode(forColumn: Columns.toStatus)
        message = try row.decode(forColumn: Columns.message)
    }

    /// Writes the columns through its ``Columns`` as GRDB's Codable encoding would (RecordEncodingTests
    /// holds both equal): every status change of a dub appends an event.
    public func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.at] = UTCDateText.storeValue(at)
        container[Columns.entity] = entity.rawValue
        container[Columns.entityID] = entityID
        container[Columns.kind] = kind.rawValue
        container[Columns.fromStatus] = fromStatus
        container[Columns.toStatus] = toStatus
        container[Columns.message] = message
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
