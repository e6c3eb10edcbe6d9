import Foundation
import GRDB

/// Writes the core's use cases make outside the dub's stages (a voice's provider id and training
/// result, an export's record, a joined result's media), kept here so no code outside the store
/// reaches the database itself.
extension ProjectStore {
    /// The hashes of the project's media files, in order.
    public func mediaHashes() throws(DubKitError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT hash FROM media ORDER BY hash") }
    }

    /// Records the hash of the dataset voice `id` is trained from (what its training's ledger key covers).
    public func recordDatasetHash(_ hash: String, voice id: Int64) throws(DubKitError) {
        try write { db in
            try db.execute(sql: "UPDATE voice SET dataset_hash = ? WHERE id = ?", arguments: [hash, id])
        }
    }

    /// Records the voice the provider created for voice `id`, and what its training will cost.
    public func recordProviderVoice(_ providerVoiceID: String, creditsRequired: Int64?, voice id: Int64) throws(DubKitError) {
        try write { db in
            try db.execute(sql: "UPDATE voice SET provider_voice_id = ?, credits_required = ? WHERE id = ?",
                           arguments: [providerVoiceID, creditsRequired, id])
        }
    }

    /// Records what a finished training left: the provider's model data (canonical JSON text, nil for
    /// none) and the credits it used.
    public func recordTrainingResult(modelData: String?, creditsUsed: Int64, voice id: Int64) throws(DubKitError) {
        try write { db in
            try db.execute(sql: "UPDATE voice SET model_data = ?, credits_used = ? WHERE id = ?",
                           arguments: [modelData, creditsUsed, id])
        }
    }

    /// Stores an export's record with the dubs it holds (in order) and logs it, in one transaction;
    /// returns the record with its id.
    public func recordExport(_ record: ExportRecord, dubs dubIDs: [Int64]) throws(DubKitError) -> ExportRecord {
        try write { db in
            var inserted = record
            try inserted.insert(db)
            for (position, id) in dubIDs.enumerated() {
                try db.execute(sql: "INSERT INTO export_dub (export_id, dub_id, position) VALUES (?, ?, ?)",
                               arguments: [inserted.id, id, position])
            }
            var event = Event(entity: .export, entityID: inserted.id ?? 0, kind: .created,
                              message: "exported dubs \(dubIDs.map(String.init).joined(separator: ", ")) to \(record.path)")
            try event.insert(db)
            return inserted
        }
    }
}
