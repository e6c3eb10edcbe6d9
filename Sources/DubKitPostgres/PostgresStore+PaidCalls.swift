import DubKit
import Foundation
import GRDB
import PostgresNIO

/// The paid-call ledger and the budget on PostgreSQL, with the SQLite store's rules
/// (ProjectStore+PaidCalls, +Budget): the paid step's gate checks the dub is still `preprocessed`,
/// finds the entry of the request's idempotency key, and only when there is none (or the one there
/// was never sent) checks the budget and records the intent, all in one transaction; so runners on
/// several machines reaching the same paid step find the same entry and never send it twice, and
/// dubs run side by side cannot together cross the budget.
extension PostgresStore: PaidCallLedger {
    public func committedCredits() async throws -> Int64 {
        try await transaction(stage: "read committed credits") { connection in try await self.committedCredits(on: connection) }
    }

    public func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                              jobID: String?) async throws -> StageAttempt {
        let dub = try await self.dub(id)
        let key = { (generation: Int) in
            PaidCall.key(provider: dub.providerID, operation: .generate, subject: .dub(id), jobID: jobID,
                         content: [fingerprint], generation: generation)
        }
        let begun = try await writing(stage: "begin generate of dub \(id)") { connection -> StageAttempt? in
            let status = try await self.rows("SELECT status FROM dub WHERE id = \(id) FOR UPDATE", on: connection)
                .first?.decode(String.self)
            guard status == DubStatus.preprocessed.rawValue else {
                throw DubKitError.illegalTransition(entity: .dub, id: id, from: status ?? "none", to: DubStatus.queued.rawValue,
                                                   allowed: ["(generate starts only from preprocessed)"])
            }
            let generation = try await self.count("""
                SELECT COUNT(*) FROM paid_call WHERE dub_id = \(id) AND operation = 'generate' AND state = 'abandoned'
                """, on: connection)
            let entryKey = key(Int(generation))
            let earlier = try await self.lastAttempt(.generate, dub: id, on: connection)
            let found = try PostgresRecord.first(try await self.rows("SELECT * FROM paid_call WHERE idempotency_key = \(entryKey)",
                                                                     on: connection), PaidCall.init(row:))
            if let found {
                // Open (to be reconciled), completed or of unknown outcome: nothing is sent from here.
                guard found.state == .notSent else { return nil }
            } else if let earlier, earlier.outcome != .succeeded, try await self.count("""
                SELECT COUNT(*) FROM paid_call WHERE dub_id = \(id) AND operation = 'generate'
                """, on: connection) == 0 {
                // A store from before the ledger: an attempt that did not succeed is looked up first, as it was then.
                _ = try await self.open(nil, key: entryKey, provider: dub.providerID, dub: id, jobID: jobID, credits: required,
                                        on: connection)
                return nil
            }
            if let limit = try await self.budget(budget, on: connection) {
                let committed = try await self.committedCredits(on: connection)
                if committed + required > limit {
                    throw DubKitError.budgetExceeded(dub: id, required: required, committed: committed, budget: limit)
                }
            }
            _ = try await self.open(found, key: entryKey, provider: dub.providerID, dub: id, jobID: jobID, credits: required,
                                    on: connection)
            return try await self.insertAttempt(dub: id, stage: .generate, number: (earlier?.attempt ?? 0) + 1, jobID: jobID,
                                                fingerprint: fingerprint, on: connection)
        }
        guard let begun else {
            throw DubKitError.illegalTransition(entity: .dub, id: id, from: DubStatus.preprocessed.rawValue, to: DubStatus.queued.rawValue,
                                                allowed: ["(an earlier generate request of this dub is not settled)"])
        }
        return begun
    }

    public func settle(_ entry: PaidCall, _ state: PaidCall.State, note: String?) async throws {
        guard let id = entry.id else { throw DubKitError.storage(path: address.description, reason: "ledger entry has no id") }
        try await writing(stage: "settle paid call") { connection in
            _ = try await self.rows("""
                UPDATE paid_call SET state = \(state.rawValue), settled_at = \(Date()), note = COALESCE(\(note), note) WHERE id = \(id)
                """, on: connection)
        }
    }

    public func paidCalls(dub id: Int64) async throws -> [PaidCall] {
        try await query("SELECT * FROM paid_call WHERE dub_id = \(id) ORDER BY id", stage: "read ledger")
            .map { try PaidCall(row: PostgresRecord.row($0)) }
    }

    public func paidCalls() async throws -> [PaidCall] {
        try await query("SELECT * FROM paid_call ORDER BY id", stage: "read ledger").map { try PaidCall(row: PostgresRecord.row($0)) }
    }

    // MARK: Inside a transaction

    /// What SQLite's `committedCredits` counts, in the same terms (PostgreSQL sums integers as
    /// `numeric`: the total is made a `bigint` again).
    func committedCredits(on connection: PostgresConnection) async throws -> Int64 {
        try await count("""
            SELECT CAST((SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE chunk_count IS NULL)
                 + (SELECT COALESCE(SUM(credits_used), 0) FROM voice)
                 + (SELECT COALESCE(MAX(deleted_credits_used), 0) FROM project)
                 + (SELECT COALESCE(SUM(credits_required), 0) FROM dub
                    WHERE credits_used = 0 AND chunk_count IS NULL AND (status IN ('queued', 'starting', 'processing', 'finalizing')
                       OR (status = 'preprocessed' AND EXISTS (SELECT 1 FROM stage_attempt a WHERE a.dub_id = dub.id
                           AND a.stage = 'generate' AND a.outcome = 'running'))))
                 + (SELECT COALESCE(SUM(credits), 0) FROM paid_call WHERE state IN ('unknown', 'abandoned'))
                 + (SELECT COALESCE(SUM(credits_required), 0) FROM voice
                    WHERE credits_used = 0 AND (status IN ('queued', 'starting', 'processing', 'finalizing')
                       OR (status = 'uploading' AND EXISTS (SELECT 1 FROM stage_attempt a WHERE a.voice_id = voice.id
                           AND a.stage = 'train' AND a.outcome = 'running')))) AS BIGINT)
            """, on: connection)
    }

    /// The budget in force: `budget` when given, else the project's default (nil: none).
    private func budget(_ budget: Int64?, on connection: PostgresConnection) async throws -> Int64? {
        if let budget { return budget }
        return try await rows("SELECT budget_credits FROM project", on: connection).first?.decode(Int64?.self) ?? nil
    }

    /// Writes the open entry of a generate request about to be sent: `found` (the same key, never sent)
    /// sent once more, else a new entry, under the store's claim.
    private func open(_ found: PaidCall?, key: String, provider: String, dub id: Int64, jobID: String?, credits: Int64,
                      on connection: PostgresConnection) async throws -> PaidCall? {
        let fence = claim?.fence ?? 0
        let runner = (claim?.runner ?? .current).recorded
        let written: [PostgresRow]
        if let found, let entryID = found.id {
            written = try await rows("""
                UPDATE paid_call SET state = 'open', sends = sends + 1, credits = \(credits), fence = \(fence), runner = \(runner),
                    settled_at = NULL WHERE id = \(entryID) RETURNING *
                """, on: connection)
        } else {
            written = try await rows("""
                INSERT INTO paid_call (idempotency_key, provider_id, operation, dub_id, job_id, credits, state, sends, fence, runner, opened_at)
                VALUES (\(key), \(provider), 'generate', \(id), \(jobID), \(credits), 'open', 1, \(fence), \(runner), \(Date()))
                RETURNING *
                """, on: connection)
        }
        return try PostgresRecord.first(written, PaidCall.init(row:))
    }

    /// The one integer `sql` returns (0 for none).
    func count(_ sql: PostgresQuery, on connection: PostgresConnection) async throws -> Int64 {
        try await rows(sql, on: connection).first?.decode(Int64?.self) ?? 0
    }
}
