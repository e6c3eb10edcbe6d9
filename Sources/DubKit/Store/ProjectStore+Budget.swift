import Foundation
import GRDB

extension ProjectStore {
    /// Credits spent on dubs and voices plus those committed by dubs being generated and voices being
    /// trained and not yet charged (including a paid request whose intent is recorded and whose answer
    /// has not come), plus those possibly charged: paid requests whose answer was lost where the
    /// provider cannot be asked (the ledger's `unknown` and `abandoned` entries). A dub cut into chunks
    /// counts through its chunks, which are dubs of their own. What deleted dubs and voices had spent
    /// stays counted (`project.deleted_credits_used`).
    public func committedCredits() throws(DubKitError) -> Int64 {
        try read { db in try Self.committedCredits(db) }
    }

    static func committedCredits(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE chunk_count IS NULL)
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
                           AND a.stage = 'train' AND a.outcome = 'running'))))
            """)) ?? 0
    }

    /// The budget in force: `budget` when given, else the project's default (nil: none).
    static func budget(_ budget: Int64?, in db: Database) throws -> Int64? {
        try budget ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT budget_credits FROM project"))
    }

    /// Checks the budget (`budget`, else the project's) and records the intent of dub `id`'s generate
    /// request (its attempt and its open ledger entry) in one transaction, so dubs run side by side
    /// cannot together cross it. Throws ``DubKitError/budgetExceeded(dub:required:committed:budget:)``
    /// and records nothing when it would, and ``DubKitError/illegalTransition(entity:id:from:to:allowed:)``
    /// when the dub is no longer `preprocessed` (`dub cancel` from another process), so a cancelled dub
    /// is never paid for, or when an earlier request of the same step is not settled.
    public func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                              jobID: String?) throws(DubKitError) -> StageAttempt {
        let dub = try self.dub(id)
        let start = try openGenerate(dub: id, required: required, budget: budget, fingerprint: fingerprint, jobID: jobID,
                                     providerID: dub.providerID) { generation in
            PaidCall.key(provider: dub.providerID, operation: .generate, subject: .dub(id), jobID: jobID,
                         content: [fingerprint], generation: generation)
        }
        guard case let .send(attempt, _) = start else {
            throw .illegalTransition(entity: .dub, id: id, from: DubStatus.preprocessed.rawValue, to: DubStatus.queued.rawValue,
                                     allowed: ["(an earlier generate request of this dub is not settled)"])
        }
        return attempt
    }

    /// Checks the budget and records the intent of voice `id`'s paid training request, with what it
    /// costs, in one transaction: the training counts as committed from then on. Throws
    /// ``DubKitError/trainingOverBudget(voice:required:committed:budget:)`` and records nothing when it
    /// would cross the budget.
    public func beginTraining(voice id: Int64, required: Int64, budget: Int64?, jobID: String?) throws(DubKitError) -> StageAttempt {
        try write { db in
            guard let voice = try Voice.fetchOne(db, key: id) else {
                throw DubKitError.notFound(entity: .voice, key: String(id), project: name)
            }
            if let limit = try Self.budget(budget, in: db) {
                let committed = try Self.committedCredits(db)
                if committed + required > limit {
                    throw DubKitError.trainingOverBudget(voice: voice.reference, required: required, committed: committed, budget: limit)
                }
            }
            try db.execute(sql: "UPDATE voice SET credits_required = ? WHERE id = ?", arguments: [required, id])
            let previous = try Int.fetchOne(db, sql: "SELECT MAX(attempt) FROM stage_attempt WHERE voice_id = ? AND stage = 'train'",
                                            arguments: [id]) ?? 0
            var attempt = StageAttempt(dubID: nil, voiceID: id, stage: .train, attempt: previous + 1, outcome: .running,
                                       providerJobID: jobID, requestFingerprint: nil, startedAt: Date())
            try attempt.insert(db)
            try Self.openTraining(voice, jobID: jobID, credits: required, claim: claim, in: db)
            return attempt
        }
    }

    /// Refuses a paid step of `required` credits that would cross the budget, without recording anything:
    /// the early check before a training creates anything at the provider.
    public func checkTrainingBudget(voice reference: String, required: Int64, budget: Int64?) throws(DubKitError) {
        try read { db in
            guard let limit = try Self.budget(budget, in: db) else { return }
            let committed = try Self.committedCredits(db)
            if committed + required > limit {
                throw DubKitError.trainingOverBudget(voice: reference, required: required, committed: committed, budget: limit)
            }
        }
    }
}
