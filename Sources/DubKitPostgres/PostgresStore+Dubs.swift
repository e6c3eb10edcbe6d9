import DubKit
import Foundation
import GRDB
import PostgresNIO

/// Dubs, their stage attempts and the log on PostgreSQL, with the SQLite store's rules (ProjectStore+Dubs,
/// +Stages, +Events): every status change is checked against the lifecycle table in Swift (and again
/// by the schema's guard trigger) and logged in the same transaction; a stage's end, what it produced
/// and the next status are one transaction; the same ``DubKitError``s. Every write of a store fenced
/// by a claim (``fenced(by:)``) is conditional on it.
extension PostgresStore: DubRecordStore, EventLogStore {
    public func createDub(_ dub: Dub) async throws -> Dub {
        try await writing(stage: "create dub") { connection in
            let created = try await self.insert(dub, on: connection)
            guard let id = created.id else { throw DubKitError.storage(path: self.address.description, reason: "dub row has no id") }
            try await self.append(Event(at: created.createdAt, entity: .dub, entityID: id, kind: .created,
                                        toStatus: created.status.rawValue, message: "\(created.voice) from \(created.shownSource)"),
                                  on: connection)
            return created
        }
    }

    public func dub(_ id: Int64) async throws -> Dub {
        let rows = try await query("SELECT * FROM dub WHERE id = \(id)", stage: "read dub")
        guard let row = rows.first else { throw DubKitError.notFound(entity: .dub, key: String(id), project: name) }
        switch DamagedRecord.reading(try PostgresRecord.row(row), as: .dub, Dub.init(row:)) {
        case let .success(dub): return dub
        case let .failure(damage): throw damage.error(project: name)
        }
    }

    public func dubListing(status: DubStatus?, chunks: Bool) async throws -> (dubs: [Dub], damaged: [DamagedRecord]) {
        let rows = try await query("""
            SELECT * FROM dub WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                AND (\(chunks) OR parent_id IS NULL) ORDER BY id
            """, stage: "list dubs")
        let (dubs, damaged) = try PostgresRecord.readAll(rows, as: .dub, Dub.init(row:))
        return (dubs, damaged)
    }

    public func chunks(of parent: Int64) async throws -> [Dub] {
        try await query("SELECT * FROM dub WHERE parent_id = \(parent) ORDER BY chunk_index", stage: "read chunks")
            .map { try Dub(row: PostgresRecord.row($0)) }
    }

    @discardableResult
    public func transitionDub(_ id: Int64, to next: DubStatus, failure: FailureInfo?, message: String?,
                              updating change: ((inout Dub) -> Void)?) async throws -> Dub {
        try await writing(stage: "move dub \(id) to \(next.rawValue)") { connection in
            if let change { _ = try await self.changeDub(id, on: connection, change) }
            try await self.transition(id, to: next, failure: failure, message: message, on: connection)
            return try await self.fetchDub(id, on: connection)
        }
    }

    @discardableResult
    public func updateDub(_ id: Int64, registering media: [MediaRef], _ change: (inout Dub) -> Void) async throws -> Dub {
        try await writing(stage: "update dub \(id)") { connection in
            try await self.register(media, on: connection)
            return try await self.changeDub(id, on: connection, change)
        }
    }

    public func stageAttempts(dub id: Int64) async throws -> [StageAttempt] {
        try await query("SELECT * FROM stage_attempt WHERE dub_id = \(id) ORDER BY id", stage: "read stage attempts")
            .map { try StageAttempt(row: PostgresRecord.row($0)) }
    }

    public func beginStage(_ stage: StageAttempt.Stage, dub id: Int64, fingerprint: String?, jobID: String?,
                           closing dangling: FailureInfo?, moving next: DubStatus?) async throws -> StageAttempt {
        try await writing(stage: "begin \(stage.rawValue) of dub \(id)") { connection in
            if let next { try await self.transition(id, to: next, failure: nil, message: nil, on: connection) }
            var previous: Int?
            if let dangling {
                let last = try await self.lastAttempt(stage, dub: id, on: connection)
                if let running = last, running.outcome == .running, let attemptID = running.id {
                    _ = try await self.rows("""
                        UPDATE stage_attempt SET outcome = 'failed', finished_at = \(Date()), error_code = \(dangling.code),
                            error_message = \(dangling.message) WHERE id = \(attemptID)
                        """, on: connection)
                }
                // The last attempt is the highest numbered.
                previous = last?.attempt ?? 0
            }
            let number: Int
            if let previous {
                number = previous
            } else {
                let found = try await self.rows("""
                    SELECT MAX(attempt) FROM stage_attempt WHERE dub_id = \(id) AND stage = \(stage.rawValue)
                    """, on: connection)
                number = Int(try found.first?.decode(Int64?.self) ?? 0)
            }
            return try await self.insertAttempt(dub: id, stage: stage, number: number + 1, jobID: jobID, fingerprint: fingerprint,
                                                on: connection)
        }
    }

    @discardableResult
    public func finishStage(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String?, failure: FailureInfo?,
                            then next: DubStatus?, registering media: [MediaRef],
                            updating change: ((inout Dub) -> Void)?) async throws -> Dub? {
        try await writing(stage: "finish \(attempt.stage.rawValue)") { connection in
            try await self.end(attempt, outcome: outcome, jobID: jobID, failure: failure, on: connection)
            try await self.register(media, on: connection)
            guard let id = attempt.dubID else { return nil }
            if let change { _ = try await self.changeDub(id, on: connection, change) }
            if let next { try await self.transition(id, to: next, failure: failure, message: nil, on: connection) }
            return try await self.fetchDub(id, on: connection)
        }
    }

    public func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64) async throws -> StageAttempt? {
        try await PostgresRecord.first(query("""
            SELECT * FROM stage_attempt WHERE dub_id = \(id) AND stage = \(stage.rawValue) ORDER BY attempt DESC LIMIT 1
            """, stage: "read stage attempt"), StageAttempt.init(row:))
    }

    public func events(of entity: EntityKind?, id: Int64?) async throws -> [Event] {
        try await query("""
            SELECT * FROM event WHERE (\(entity?.rawValue)::text IS NULL OR entity = \(entity?.rawValue))
                AND (\(id)::bigint IS NULL OR entity_id = \(id)) ORDER BY id
            """, stage: "read log").map { try Event(row: PostgresRecord.row($0)) }
    }

    public func note(_ message: String, on entity: EntityKind, id: Int64) async throws {
        try await writing(stage: "note") { connection in
            try await self.append(Event(entity: entity, entityID: id, kind: .note, message: message), on: connection)
        }
    }

    // MARK: Inside a transaction

    /// Moves dub `id` to `next` (checked against the lifecycle table), records `failure` when it enters
    /// `error` (and clears it when it leaves), and logs the change: SQLite's `Transition.apply`.
    func transition(_ id: Int64, to next: DubStatus, failure: FailureInfo?, message: String?,
                    on connection: PostgresConnection, now: Date = Date()) async throws {
        let found = try await rows("SELECT status FROM dub WHERE id = \(id) FOR UPDATE", on: connection)
        guard let row = found.first else { throw DubKitError.notFound(entity: .dub, key: String(id), project: name) }
        let text = try row.decode(String.self)
        guard let current = DubStatus(rawValue: text) else {
            throw DubKitError.invalidField(field: "dub.status", value: text, allowed: DubStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try current.checkTransition(to: next, id: id)
        let entersError = next == .error
        _ = try await rows("""
            UPDATE dub SET status = \(next.rawValue), error_code = \(entersError ? failure?.code : nil),
                error_message = \(entersError ? failure?.message : nil), updated_at = \(now) WHERE id = \(id)
            """, on: connection)
        try await append(Event(at: now, entity: .dub, entityID: id, kind: .transition, fromStatus: current.rawValue, toStatus: next.rawValue,
                               message: message ?? (entersError ? failure.map { "\($0.code): \($0.message)" } : nil)),
                         on: connection)
    }

    /// Dub `id` as the transaction sees it.
    func fetchDub(_ id: Int64, on connection: PostgresConnection) async throws -> Dub {
        guard let dub = try PostgresRecord.first(try await rows("SELECT * FROM dub WHERE id = \(id)", on: connection), Dub.init(row:)) else {
            throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
        }
        return dub
    }

    /// Applies `change` to dub `id`'s non-status fields (its row locked), as SQLite's `changeDub`: a
    /// change of status is refused (status changes go through the lifecycle).
    func changeDub(_ id: Int64, on connection: PostgresConnection, _ change: (inout Dub) -> Void) async throws -> Dub {
        guard var dub = try PostgresRecord.first(try await rows("SELECT * FROM dub WHERE id = \(id) FOR UPDATE", on: connection),
                                                 Dub.init(row:)) else {
            throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
        }
        let status = dub.status
        change(&dub)
        guard dub.status == status else {
            throw DubKitError.illegalTransition(entity: .dub, id: id, from: status.rawValue, to: dub.status.rawValue,
                                               allowed: ["(status changes go through transitionDub)"])
        }
        let changed = try await rows("""
            UPDATE dub SET provider_id = \(dub.providerID), voice_ref = \(dub.voiceRef), voice_id = \(dub.voiceID),
                source_kind = \(dub.sourceKind.rawValue), source = \(dub.source), link_media_hash = \(dub.linkMediaHash),
                source_media_hash = \(dub.sourceMediaHash), result_media_hash = \(dub.resultMediaHash),
                pitch_shift = \(Int64(dub.pitchShift)), separate = \(dub.separate),
                parameters = \(PostgresRecord.jsonText(dub.parameters) ?? "{}")::json, provider_job_id = \(dub.providerJobID),
                input_duration_ms = \(dub.inputDurationMs), credits_required = \(dub.creditsRequired), credits_used = \(dub.creditsUsed),
                updated_at = \(Date()), sync_report = \(PostgresRecord.jsonText(dub.syncReport))::json,
                chunk_seconds = \(dub.chunkSeconds)
            WHERE id = \(id) RETURNING *
            """, on: connection)
        guard let updated = try PostgresRecord.first(changed, Dub.init(row:)) else {
            throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
        }
        return updated
    }

    /// Inserts `dub` (its id given by the table) and returns it as stored.
    private func insert(_ dub: Dub, on connection: PostgresConnection) async throws -> Dub {
        let inserted = try await rows("""
            INSERT INTO dub (provider_id, voice_ref, voice_id, source_kind, source, link_media_hash, source_media_hash,
                result_media_hash, pitch_shift, separate, parameters, status, provider_job_id, input_duration_ms,
                credits_required, credits_used, error_code, error_message, created_at, updated_at, sync_report, parent_id,
                chunk_index, chunk_start_ms, chunk_end_ms, chunk_seconds, chunk_count)
            VALUES (\(dub.providerID), \(dub.voiceRef), \(dub.voiceID), \(dub.sourceKind.rawValue), \(dub.source),
                \(dub.linkMediaHash), \(dub.sourceMediaHash), \(dub.resultMediaHash), \(Int64(dub.pitchShift)), \(dub.separate),
                \(PostgresRecord.jsonText(dub.parameters) ?? "{}")::json, \(dub.status.rawValue), \(dub.providerJobID),
                \(dub.inputDurationMs), \(dub.creditsRequired), \(dub.creditsUsed), \(dub.errorCode), \(dub.errorMessage),
                \(dub.createdAt), \(dub.updatedAt), \(PostgresRecord.jsonText(dub.syncReport))::json, \(dub.parentID),
                \(dub.chunkIndex.map { Int64($0) }), \(dub.chunkStartMs), \(dub.chunkEndMs), \(dub.chunkSeconds),
                \(dub.chunkCount.map { Int64($0) }))
            RETURNING *
            """, on: connection)
        guard let created = try PostgresRecord.first(inserted, Dub.init(row:)) else {
            throw DubKitError.storage(path: address.description, reason: "dub row has no id")
        }
        return created
    }

    /// Appends `event` to the log.
    func append(_ event: Event, on connection: PostgresConnection) async throws {
        _ = try await rows("""
            INSERT INTO event (at, entity, entity_id, kind, from_status, to_status, message)
            VALUES (\(event.at), \(event.entity.rawValue), \(event.entityID), \(event.kind.rawValue), \(event.fromStatus),
                \(event.toStatus), \(event.message))
            """, on: connection)
    }

    /// Registers media files the change refers to (known ones stay as they are).
    func register(_ media: [MediaRef], on connection: PostgresConnection) async throws {
        for ref in media {
            _ = try await rows("""
                INSERT INTO media (hash, byte_count, created_at) VALUES (\(ref.hash), \(ref.byteCount), \(Date()))
                ON CONFLICT (hash) DO NOTHING
                """, on: connection)
        }
    }

    /// The latest attempt at a dub's stage inside a transaction.
    func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64, on connection: PostgresConnection) async throws -> StageAttempt? {
        try PostgresRecord.first(try await rows("""
            SELECT * FROM stage_attempt WHERE dub_id = \(id) AND stage = \(stage.rawValue) ORDER BY attempt DESC LIMIT 1
            """, on: connection), StageAttempt.init(row:))
    }

    /// Records a new running attempt of dub `id`'s stage.
    func insertAttempt(dub id: Int64, stage: StageAttempt.Stage, number: Int, jobID: String?, fingerprint: String?,
                       on connection: PostgresConnection) async throws -> StageAttempt {
        let inserted = try await rows("""
            INSERT INTO stage_attempt (dub_id, stage, attempt, outcome, provider_job_id, request_fingerprint, started_at)
            VALUES (\(id), \(stage.rawValue), \(Int64(number)), 'running', \(jobID), \(fingerprint), \(Date()))
            RETURNING *
            """, on: connection)
        guard let attempt = try PostgresRecord.first(inserted, StageAttempt.init(row:)) else {
            throw DubKitError.storage(path: address.description, reason: "stage attempt row has no id")
        }
        return attempt
    }

    /// Records how `attempt` ended (the job it created, if any; the failure's cause).
    func end(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String?, failure: FailureInfo?,
             on connection: PostgresConnection) async throws {
        guard let id = attempt.id else {
            throw DubKitError.storage(path: address.description, reason: "stage attempt has no id")
        }
        _ = try await rows("""
            UPDATE stage_attempt SET outcome = \(outcome.rawValue), finished_at = \(Date()),
                provider_job_id = \(jobID ?? attempt.providerJobID), error_code = \(failure?.code), error_message = \(failure?.message)
            WHERE id = \(id)
            """, on: connection)
    }
}
