import Foundation
import GRDB

extension ProjectStore {
    /// Stores a new custom voice (status `new`) and logs its creation.
    public func createVoice(_ voice: Voice) throws(DubKitError) -> Voice {
        try write { db in
            if try Voice.filter(Column("provider_id") == voice.providerID && Column("name") == voice.name).fetchCount(db) > 0 {
                throw DubKitError.duplicate(entity: .voice, key: voice.reference, project: name)
            }
            var voice = voice
            try voice.insert(db)
            guard let id = voice.id else { throw DubKitError.storage(path: databaseURL.path, reason: "voice row has no id") }
            var event = Event(at: voice.createdAt, entity: .voice, entityID: id, kind: .created,
                              toStatus: voice.status.rawValue, message: "voice \(voice.reference) created")
            try event.insert(db)
            return voice
        }
    }

    /// The voice with this id, or `.notFound`.
    public func voice(_ id: Int64) throws(DubKitError) -> Voice {
        guard let voice = try read({ db in try Voice.fetchOne(db, key: id) }) else {
            throw .notFound(entity: .voice, key: String(id), project: name)
        }
        return voice
    }

    /// The project's voices, optionally of one provider, ordered by provider then name.
    public func voices(provider: String? = nil) throws(DubKitError) -> [Voice] {
        guard let provider else { return try read { db in try Voice.order(Column("provider_id"), Column("name")).fetchAll(db) } }
        // A cached statement, and one statement needs no transaction: the engine looks up the custom
        // voices of every dub it creates a job for.
        return try readStatement { db in
            try Voice.fetchAll(db.cachedStatement(sql: "SELECT * FROM voice WHERE provider_id = ? ORDER BY provider_id, name"),
                               arguments: [provider])
        }
    }

    /// Moves a voice through its lifecycle in its own transaction; returns the updated voice.
    @discardableResult
    public func transitionVoice(_ id: Int64, to next: VoiceStatus, failure: FailureInfo? = nil,
                                message: String? = nil) throws(DubKitError) -> Voice {
        try write { db in
            try Voice.transition(id, to: next, failure: failure, message: message, in: db)
            guard let voice = try Voice.fetchOne(db, key: id) else {
                throw DubKitError.notFound(entity: .voice, key: String(id), project: name)
            }
            return voice
        }
    }
}
