import Foundation
import GRDB

extension ProjectStore {
    /// The chunks of dub `parent`, in order (none when it is not chunked).
    public func chunks(of parent: Int64) throws(DubKitError) -> [Dub] {
        try read { db in
            try Dub.filter(Dub.Columns.parentID == parent).order(Dub.Columns.chunkIndex).fetchAll(db)
        }
    }

    /// Makes `spans` the chunks of dub `parent` (their audio in the media store as `media`, in order)
    /// and, in the same transaction, ends the parent's upload `attempt` and moves it to `uploaded`:
    /// a crash leaves either no chunk or all of them with the parent past its upload. Chunks made
    /// before are kept, not made again.
    @discardableResult
    public func createChunks(of parent: Int64, spans: [ChunkSpan], media: [MediaRef],
                             finishing attempt: StageAttempt) throws(DubKitError) -> [Dub] {
        guard spans.count >= 2, spans.count == media.count else {
            throw .invalidField(field: "chunks of dub \(parent)", value: "\(spans.count) spans, \(media.count) files",
                                allowed: "two or more spans, one stored file each")
        }
        var finished = attempt
        finished.outcome = .succeeded
        finished.finishedAt = Date()
        let ended = finished
        return try write { db in
            guard var owner = try Dub.fetchOne(db, key: parent) else {
                throw DubKitError.notFound(entity: .dub, key: String(parent), project: name)
            }
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dub WHERE parent_id = ?", arguments: [parent]) ?? 0
            if existing == 0 {
                let now = Date()
                for (span, ref) in zip(spans, media) {
                    try MediaStore.register(ref, in: db, now: now)
                    var chunk = owner
                    chunk.id = nil
                    chunk.sourceKind = .file
                    chunk.source = self.media.url(for: ref.hash).path
                    chunk.linkMediaHash = nil
                    chunk.sourceMediaHash = ref.hash
                    chunk.resultMediaHash = nil
                    chunk.status = .new
                    chunk.providerJobID = nil
                    chunk.inputDurationMs = nil
                    chunk.creditsRequired = nil
                    chunk.creditsUsed = 0
                    chunk.errorCode = nil
                    chunk.errorMessage = nil
                    chunk.syncReport = nil
                    chunk.createdAt = now
                    chunk.updatedAt = now
                    chunk.parentID = parent
                    chunk.chunkIndex = span.index
                    chunk.chunkStartMs = span.startMs
                    chunk.chunkEndMs = span.endMs
                    chunk.chunkSeconds = nil
                    chunk.chunkCount = nil
                    try chunk.insert(db)
                    var event = Event(at: now, entity: .dub, entityID: chunk.id ?? 0, kind: .created, toStatus: DubStatus.new.rawValue,
                                      message: "chunk \(span.index + 1) of \(spans.count) of dub \(parent): "
                                        + "\(ChunkSpan.clock(span.startMs))-\(ChunkSpan.clock(span.endMs)) of its source")
                    try event.insert(db)
                }
            }
            let count = existing == 0 ? spans.count : existing
            owner.chunkCount = count
            owner.updatedAt = Date()
            try owner.update(db)
            try ended.update(db)
            try Dub.transition(parent, to: .uploaded, message: "split into \(count) chunks", in: db)
            return try Dub.filter(Dub.Columns.parentID == parent).order(Dub.Columns.chunkIndex).fetchAll(db)
        }
    }

    /// Credits the chunks of `parent` will still commit when generated: those of chunks not yet
    /// sent (no generate request recorded as running or done, nothing charged).
    public func unsentChunkCredits(of parent: Int64) throws(DubKitError) -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(credits_required), 0) FROM dub d
                WHERE parent_id = ? AND credits_used = 0
                  AND status IN ('new', 'uploading', 'uploaded', 'preprocessing', 'preprocessed')
                  AND NOT EXISTS (SELECT 1 FROM stage_attempt a WHERE a.dub_id = d.id AND a.stage = 'generate'
                                  AND a.outcome = 'running')
                """, arguments: [parent]) ?? 0
        }
    }
}

extension ChunkSpan {
    /// `ms` as `m:ss.mmm` (or `h:mm:ss.mmm`), for messages.
    public static func clock(_ ms: Int64) -> String {
        let hours = ms / 3_600_000, minutes = ms / 60_000 % 60, seconds = ms / 1000 % 60, rest = ms % 1000
        let tail = String(format: "%02lld.%03lld", seconds, rest)
        return hours > 0 ? String(format: "%lld:%02lld:", hours, minutes) + tail : "\(minutes):" + tail
    }
}
