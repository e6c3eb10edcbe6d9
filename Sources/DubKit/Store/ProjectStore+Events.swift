import Foundation
import GRDB

extension ProjectStore {
    /// The log of one entity (or of the whole project when `id` is nil), oldest first.
    public func events(of entity: EntityKind? = nil, id: Int64? = nil) throws(DubKitError) -> [Event] {
        try read { db in
            var request = Event.order(Column("id"))
            if let entity { request = request.filter(Column("entity") == entity.rawValue) }
            if let id { request = request.filter(Column("entity_id") == id) }
            return try request.fetchAll(db)
        }
    }
}
