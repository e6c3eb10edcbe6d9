import Foundation
import GRDB

/// Deleting dubs, voices and datasets. Each delete is one transaction; what it refuses, it refuses
/// before anything changes. The event log keeps the record's history and a `deleted` note; the ledger
/// of paid calls keeps its rows (dub or voice id null) and the project keeps counting the credits the
/// deleted records used; media no other record uses is removed from `media/` once the rows are gone.
extension ProjectStore {
    /// How long a delete holds the claims it takes on what it deletes (released when it is done).
    static let deleteLeaseSeconds = 60.0

    /// Deletes dub `id` with its chunks, stage attempts and media no other record uses. Takes the dub's
    /// (and its chunks') claim first, so no runner starts on it meanwhile: a dub a live runner holds is
    /// refused with ``DubKitError/claimedElsewhere(entity:id:holder:)`` naming it. A chunk alone is
    /// refused (its dub is deleted whole). Exports that had it as a track keep their records without it.
    public func deleteDub(_ id: Int64) throws(DubKitError) -> Deletion {
        let dub = try self.dub(id)
        if let parent = dub.parentID {
            throw .inUse(entity: .dub, key: String(id), project: name, usedBy: ["it is a chunk of dub \(parent)"],
                         hint: "delete dub \(parent): its chunks go with it")
        }
        let chunkIDs = try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM dub WHERE parent_id = ? ORDER BY chunk_index", arguments: [id])
        }
        let claims = try claimAll([.dub(id)] + chunkIDs.map(ClaimSubject.dub))
        defer { for claim in claims { try? release(claim) } }
        let ids = [id] + chunkIDs
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let arguments = StatementArguments(ids)
        let (deletion, removed) = try write { db in
            for claim in claims { try Self.confirm(claim, in: db) }
            var hashes: Set<String> = []
            for row in try Row.fetchAll(db, sql: """
                SELECT source_media_hash, result_media_hash, link_media_hash FROM dub WHERE id IN (\(placeholders))
                """, arguments: arguments) {
                for column in 0..<3 { if let hash: String = row[column] { hashes.insert(hash) } }
            }
            let credits = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE id IN (\(placeholders)) AND chunk_count IS NULL
                """, arguments: arguments) ?? 0
            let calls = try Self.keepPaidCalls(column: "dub_id", placeholders: placeholders, arguments: arguments,
                                               note: "dub \(id) deleted", in: db)
            let exports = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT export_id FROM export_dub WHERE dub_id IN (\(placeholders)) ORDER BY export_id
                """, arguments: arguments)
            try db.execute(sql: "DELETE FROM export_dub WHERE dub_id IN (\(placeholders))", arguments: arguments)
            for export in exports {
                var event = Event(entity: .export, entityID: export, kind: .note,
                                  message: "dub \(id), one of its tracks, deleted; the exported file is kept")
                try event.insert(db)
            }
            try Self.countDeleted(credits: credits, in: db)
            var event = Event(entity: .dub, entityID: id, kind: .note, message: "deleted"
                + (chunkIDs.isEmpty ? "" : " with its \(chunkIDs.count) chunks") + " (status \(dub.status.rawValue))")
            try event.insert(db)
            // Its chunks go with it (parent_id ON DELETE CASCADE), and with each its stage attempts.
            try db.execute(sql: "DELETE FROM dub WHERE id = ?", arguments: [id])
            let media = try Self.dropUnusedMedia(hashes, in: db)
            return (Deletion(entity: .dub, id: id, chunks: chunkIDs, mediaRemoved: media.removed.map(\.hash),
                             mediaKept: media.kept, paidCallsKept: calls, creditsKept: credits, exportsUnlinked: exports),
                    media.removed)
        }
        return finishing(deletion, removing: removed)
    }

    /// Deletes the voice `key` names (`PROVIDER:NAME`, or a name only one provider has) with its stage
    /// attempts; a voice created at a provider stays there. Refused with ``DubKitError/inUse(entity:key:project:usedBy:hint:)``
    /// while dubs that are not final (`done`, `cancelled`) use it, and with
    /// ``DubKitError/claimedElsewhere(entity:id:holder:)`` while a live runner trains it. Its dataset stays.
    public func deleteVoice(_ key: String) throws(DubKitError) -> Deletion {
        let voice = try voice(named: key)
        guard let id = voice.id else { throw .notFound(entity: .voice, key: key, project: name) }
        let users = try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM dub WHERE (voice_id = ? OR (provider_id = ? AND voice_ref IN (?, ?)))
                    AND status NOT IN ('done', 'cancelled') ORDER BY id
                """, arguments: [id, voice.providerID, voice.name, voice.reference])
        }
        if !users.isEmpty {
            let list = users.map(String.init).joined(separator: " ")
            throw .inUse(entity: .voice, key: voice.reference, project: name,
                         usedBy: ["dub\(users.count == 1 ? "" : "s") \(users.map(String.init).joined(separator: ", ")) "
                                  + "that \(users.count == 1 ? "is" : "are") not done or cancelled use\(users.count == 1 ? "s" : "") it"],
                         hint: "let them finish, or cancel them first: `dubkit dub cancel --project \(name) \(list)`")
        }
        let claims = try claimAll([.voice(id)])
        defer { for claim in claims { try? release(claim) } }
        return try write { db in
            for claim in claims { try Self.confirm(claim, in: db) }
            let credits = try Int64.fetchOne(db, sql: "SELECT credits_used FROM voice WHERE id = ?", arguments: [id]) ?? 0
            let calls = try Self.keepPaidCalls(column: "voice_id", placeholders: "?", arguments: [id],
                                               note: "voice \(voice.reference) deleted", in: db)
            try Self.countDeleted(credits: credits, in: db)
            var event = Event(entity: .voice, entityID: id, kind: .note,
                              message: "deleted (voice \(voice.reference), status \(voice.status.rawValue))")
            try event.insert(db)
            // Finished dubs keep their voice_ref; voice_id becomes null (ON DELETE SET NULL).
            try db.execute(sql: "DELETE FROM voice WHERE id = ?", arguments: [id])
            return Deletion(entity: .voice, id: id, name: voice.reference, paidCallsKept: calls, creditsKept: credits)
        }
    }

    /// Deletes dataset `datasetName` with its recordings, removing the media files no other record
    /// uses. Refused with ``DubKitError/inUse(entity:key:project:usedBy:hint:)`` while a voice whose
    /// training is not done (it may go on, and reads the recordings) was trained from it; a trained voice
    /// keeps its model and `dataset_hash`, its `dataset_id` becomes null.
    public func deleteDataset(_ datasetName: String) throws(DubKitError) -> Deletion {
        let dataset = try self.dataset(named: datasetName)
        guard let id = dataset.id else { throw .notFound(entity: .dataset, key: datasetName, project: name) }
        let (deletion, removed) = try write { db in
            let training = try Row.fetchAll(db, sql: """
                SELECT provider_id, name, status FROM voice WHERE dataset_id = ? AND status <> 'done' ORDER BY provider_id, name
                """, arguments: [id]).map { row -> String in
                    let provider: String = row[0], voiceName: String = row[1], status: String = row[2]
                    return "\(provider):\(voiceName) (\(status))"
                }
            if !training.isEmpty {
                throw DubKitError.inUse(entity: .dataset, key: datasetName, project: name,
                                        usedBy: ["the training of voice\(training.count == 1 ? "" : "s") "
                                                 + training.joined(separator: ", ") + " is not done and reads it"],
                                        hint: "finish the training (`dubkit voice run --project \(name)`) or delete the voice first")
            }
            let hashes = Set(try String.fetchAll(db, sql: "SELECT media_hash FROM dataset_file WHERE dataset_id = ?", arguments: [id]))
            let files = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dataset_file WHERE dataset_id = ?", arguments: [id]) ?? 0
            var event = Event(entity: .dataset, entityID: id, kind: .note,
                              message: "deleted (dataset \(datasetName), \(files) recording\(files == 1 ? "" : "s"))")
            try event.insert(db)
            // Its files go with it (ON DELETE CASCADE); trained voices' dataset_id becomes null.
            try db.execute(sql: "DELETE FROM dataset WHERE id = ?", arguments: [id])
            let media = try Self.dropUnusedMedia(hashes, in: db)
            return (Deletion(entity: .dataset, id: id, name: datasetName, files: files, mediaRemoved: media.removed.map(\.hash),
                             mediaKept: media.kept), media.removed)
        }
        return finishing(deletion, removing: removed)
    }

    /// The voice `key` names: `PROVIDER:NAME`, or a bare name that only one provider's voice has.
    public func voice(named key: String) throws(DubKitError) -> Voice {
        let all = try voices()
        if let exact = all.first(where: { $0.reference == key }) { return exact }
        let named = all.filter { $0.name == key }
        guard let only = named.first else { throw .notFound(entity: .voice, key: key, project: name) }
        guard named.count == 1 else {
            throw .invalidField(field: "voice", value: key,
                                allowed: "one of " + named.map(\.reference).joined(separator: ", ") + " (the name is used by more than one provider)")
        }
        return only
    }

    /// The live claims on a project's dubs and voices: a project being deleted must have none.
    func liveClaims(now: Date = Date()) throws(DubKitError) -> [String] {
        var held = try dubHolders().filter { $0.value.isLive(at: now) }
            .sorted { $0.key < $1.key }.map { "dub \($0.key) is being run by \($0.value.description)" }
        let voices = try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM voice WHERE claim_host IS NOT NULL") }
        for id in voices {
            if let holder = try holder(of: .voice(id)), holder.isLive(at: now) {
                held.append("voice \(id) is being trained by \(holder.description)")
            }
        }
        return held
    }

    /// Takes every claim or none: a subject held by a live runner refuses the lot.
    private func claimAll(_ subjects: [ClaimSubject]) throws(DubKitError) -> [Claim] {
        var claims: [Claim] = []
        do {
            for subject in subjects { claims.append(try claim(subject, leaseSeconds: Self.deleteLeaseSeconds)) }
            return claims
        } catch {
            for claim in claims { try? release(claim) }
            throw error
        }
    }

    /// Keeps the ledger rows of what is deleted: notes which record they were for, and turns a request
    /// whose answer never came (`open`) into `unknown`, so the budget goes on counting it as possibly
    /// charged. The foreign key sets their dub or voice id to null. Returns how many there are.
    private static func keepPaidCalls(column: String, placeholders: String, arguments: StatementArguments,
                                      note: String, in db: Database) throws -> Int {
        try db.execute(sql: """
            UPDATE paid_call SET state = CASE state WHEN 'open' THEN 'unknown' ELSE state END,
                note = COALESCE(note || '; ', '') || ? WHERE \(column) IN (\(placeholders))
            """, arguments: [note] + arguments)
        return db.changesCount
    }

    /// Adds what deleted records had spent to the project's count of it.
    private static func countDeleted(credits: Int64, in db: Database) throws {
        guard credits > 0 else { return }
        try db.execute(sql: "UPDATE project SET deleted_credits_used = deleted_credits_used + ?", arguments: [credits])
    }

    /// Of `hashes` (media the deleted rows used), drops the `media` rows no dub or dataset file uses any
    /// more; returns those (to remove from disk once committed) and the ones still in use.
    static func dropUnusedMedia(_ hashes: Set<String>, in db: Database) throws -> (removed: [MediaRef], kept: [String]) {
        var removed: [MediaRef] = []
        var kept: [String] = []
        for hash in hashes.sorted() {
            let used = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM dub WHERE source_media_hash = ?1 OR result_media_hash = ?1 OR link_media_hash = ?1)
                    OR EXISTS (SELECT 1 FROM dataset_file WHERE media_hash = ?1)
                """, arguments: [hash]) ?? true
            if used {
                kept.append(hash)
                continue
            }
            let bytes = try Int64.fetchOne(db, sql: "SELECT byte_count FROM media WHERE hash = ?", arguments: [hash]) ?? 0
            try db.execute(sql: "DELETE FROM media WHERE hash = ?", arguments: [hash])
            removed.append(MediaRef(hash: hash, byteCount: bytes))
        }
        return (removed, kept)
    }

    /// Removes the committed deletion's media files from disk and counts the bytes freed. A file
    /// already gone is not an error: what was to be removed is not there.
    private func finishing(_ deletion: Deletion, removing removed: [MediaRef]) -> Deletion {
        var deletion = deletion
        for ref in removed where MediaStore.isHash(ref.hash) {
            let path = media.url(for: ref.hash).path
            var info = stat()
            let size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
            if unlink(path) == 0 { deletion.bytesFreed += size }
        }
        return deletion
    }
}
