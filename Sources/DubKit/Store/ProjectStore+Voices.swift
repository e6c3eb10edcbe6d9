import Foundation
import GRDB

extension ProjectStore {
    /// Stores a new custom voice (status `new`) and logs its creation.
    public func createVoice(_ voice: Voice) throws(DubKitError) -> Voice {
        try write { db in
            if try Voice.filter(Voice.Columns.providerID == voice.providerID && Voice.Columns.name == voice.name).fetchCount(db) > 0 {
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

    /// The voice with this id, or `.notFound`; `.damagedRecord` naming the field when its row cannot be read.
    public func voice(_ id: Int64) throws(DubKitError) -> Voice {
        let row = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM voice WHERE id = ?", arguments: [id]) }
        guard let row else { throw .notFound(entity: .voice, key: String(id), project: name) }
        switch DamagedRecord.reading(row, as: .voice, Voice.init(row:)) {
        case let .success(voice): return voice
        case let .failure(damage): throw damage.error(project: name)
        }
    }

    /// The project's voices, optionally of one provider, ordered by provider then name. Rows that cannot
    /// be read as voices are left out: ``voiceListing(provider:)`` gives them too.
    public func voices(provider: String? = nil) throws(DubKitError) -> [Voice] {
        try voiceListing(provider: provider).voices
    }

    /// The voices ``voices(provider:)`` lists and, apart, the rows that cannot be read as voices, each
    /// naming its id and field.
    public func voiceListing(provider: String? = nil) throws(DubKitError) -> (voices: [Voice], damaged: [DamagedRecord]) {
        try read { db in
            var request = Voice.order(Voice.Columns.providerID, Voice.Columns.name)
            if let provider { request = request.filter(Voice.Columns.providerID == provider) }
            let (voices, damaged) = try DamagedRecord.readAll(request, in: db, as: .voice, Voice.init(row:))
            return (voices, damaged)
        }
    }

    /// The trained (`done`) custom voice `name` of `provider` a dub converts with, or nil when the
    /// project has none (the name is then the provider's own voice). A voice whose row cannot be read,
    /// or whose model is not the JSON its provider handed back, fails the dub with `.damagedRecord`
    /// naming the voice and the field, rather than being taken for a provider's voice of that name.
    public func trainedVoice(provider: String, name voiceName: String) throws(DubKitError) -> Voice? {
        // A cached statement, and one statement needs no transaction: the engine looks the voice up for
        // every dub it creates a job for.
        let row = try readStatement { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM voice WHERE provider_id = ? AND name = ?"),
                             arguments: [provider, voiceName])
        }
        guard let row else { return nil }
        switch DamagedRecord.reading(row, as: .voice, Voice.init(row:)) {
        case let .failure(damage):
            throw damage.error(project: name)
        case let .success(voice):
            guard voice.status == .done else { return nil }
            // Only what the store itself can tell (JSON or not): the provider checks the model's fields.
            if let damage = voice.modelDamage(checkedBy: nil) { throw damage.error(project: name) }
            return voice
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
