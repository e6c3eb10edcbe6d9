import Crypto
import Foundation
import GRDB

/// `convert`'s dubs: each is found again by its convert key, so a re-run after an interruption continues
/// the same dub (and its paid step is never sent twice) instead of creating a second one.
extension ProjectStore {
    /// The key of one `convert` job: SHA-256 over the input's content (a link: its address), the provider,
    /// the voice, the pitch shift, the parameters, the output path and, for a preview, its slice
    /// (``PreviewSlice/keyPart``), so a preview is a dub of its own.
    public static func convertKey(input: URL?, link: String?, providerID: String, voiceRef: String, pitchShift: Int,
                                  parameters: DubParameters, output: URL, slice: String? = nil) throws(DubKitError) -> String {
        let inputPart: String
        if let input {
            do {
                inputPart = "file " + (try MediaStore.sha256(of: input)).0
            } catch let error as DubKitError {
                throw error
            } catch {
                throw .mediaIO(path: input.path, reason: error.localizedDescription)
            }
        } else {
            inputPart = "link " + (link ?? "")
        }
        let text = ([inputPart, providerID, voiceRef, String(pitchShift), parameters.json, output.standardizedFileURL.path]
            + (slice.map { [$0] } ?? []))
            .joined(separator: "\u{1f}")
        return MediaStore.hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// The dub an earlier `convert` with `key` left to continue (the latest one not cancelled), if any.
    public func convertDubContinuing(key: String) throws(DubKitError) -> Dub? {
        try read { db in
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM dub WHERE convert_key = ? AND status != 'cancelled' ORDER BY id DESC LIMIT 1
                """, arguments: [key]) else { return nil }
            return try Self.fetchDub(id, in: db)
        }
    }

    /// The dub `convert` continues for `key` (the latest one not cancelled), or `dub` created with that key
    /// when there is none or `fresh` asks for a new one; in one transaction, so two runs of the same
    /// command cannot both create it. Returns the dub and whether it was found.
    public func convertDub(key: String, fresh: Bool, creating dub: Dub) throws(DubKitError) -> (dub: Dub, continued: Bool) {
        try write { db in
            if !fresh, let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM dub WHERE convert_key = ? AND status != 'cancelled' ORDER BY id DESC LIMIT 1
                """, arguments: [key]), let found = try Self.fetchDub(id, in: db) {
                return (found, true)
            }
            let created = try Self.insertDub(dub, in: db, path: databaseURL.path)
            try db.execute(sql: "UPDATE dub SET convert_key = ? WHERE id = ?", arguments: [key, created.id])
            return (created, false)
        }
    }
}
