import Foundation
import GRDB

extension ProjectStore {
    /// The log of one entity (or of the whole project when `id` is nil), oldest first.
    public func events(of entity: EntityKind? = nil, id: Int64? = nil) throws(DubKitError) -> [Event] {
        try read { db in
            var request = Event.order(Event.Columns.id)
            if let entity { request = request.filter(Event.Columns.entity == entity.rawValue) }
            if let id { request = request.filter(Event.Columns.entityID == id) }
            return try request.fetchAll(db)
        }
    }
}

extension ProjectStore {
    /// Adds a note to the log of a dub or voice: a decision the engine or an adapter took that the
    /// user should be able to find afterwards (`dub log`), whatever the progress display showed.
    public func note(_ message: String, on entity: EntityKind, id: Int64) throws(DubKitError) {
        try write { db in
            var event = Event(entity: entity, entityID: id, kind: .note, message: message)
            try event.insert(db)
        }
    }
}
