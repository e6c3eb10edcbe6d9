import Foundation
import GRDB

extension ProjectStore {
    /// Credits spent on dubs and voices plus those committed by dubs being generated and not yet charged
    /// (including a generate request whose intent is recorded and whose answer has not come). A dub
    /// cut into chunks counts through its chunks, which are dubs of their own.
    public func committedCredits() throws(DubKitError) -> Int64 {
        try read { db in try Self.committedCredits(db) }
    }

    static func committedCredits(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT (SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE chunk_count IS NULL)
                 + (SELECT COALESCE(SUM(credits_used), 0) FROM voice)
                 + (SELECT COALESCE(SUM(credits_required), 0) FROM dub
                    WHERE credits_used = 0 AND chunk_count IS NULL AND (status IN ('queued', 'starting', 'processing', 'finalizing')
                       OR (status = 'preprocessed' AND EXISTS (SELECT 1 FROM stage_attempt a WHERE a.dub_id = dub.id
                           AND a.stage = 'generate' AND a.outcome = 'running'))))
            """) ?? 0
    }

    /// Checks the budget (`budget`, else the project's) and records the intent of dub `id`'s generate
    /// request in one transaction, so dubs run side by side cannot together cross it. Throws
    /// ``DubKitError/budgetExceeded(dub:required:committed:budget:)`` and records nothing when it would.
    public func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                              jobID: String?) throws(DubKitError) -> StageAttempt {
        try write { db in
            let limit = try budget ?? Int64.fetchOne(db, sql: "SELECT budget_credits FROM project")
            if let limit {
                let committed = try Self.committedCredits(db)
                if committed + required > limit {
                    throw DubKitError.budgetExceeded(dub: id, required: required, committed: committed, budget: limit)
                }
            }
            let previous = try Int.fetchOne(db, sql: "SELECT MAX(attempt) FROM stage_attempt WHERE dub_id = ? AND stage = 'generate'",
                                            arguments: [id]) ?? 0
            var attempt = StageAttempt(dubID: id, voiceID: nil, stage: .generate, attempt: previous + 1, outcome: .running,
                                       providerJobID: jobID, requestFingerprint: fingerprint, startedAt: Date())
            try attempt.insert(db)
            return attempt
        }
    }
}
