import Foundation
import GRDB

extension ProjectStore {
    /// Credits spent on dubs and voices plus those committed by dubs being generated and voices being
    /// trained and not yet charged (including a paid request whose intent is recorded and whose answer
    /// has not come). A dub cut into chunks counts through its chunks, which are dubs of their own.
    public func committedCredits() throws(DubKitError) -> Int64 {
        try read { db in try Self.committedCredits(db) }
    }

    static func committedCredits(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE chunk_count IS NULL)
                 + (SELECT COALESCE(SUM(credits_used), 0) FROM voice)
                 + (SELECT COALESCE(SUM(credits_required), 0) FROM dub
                    WHERE credits_used = 0 AND chunk_count IS NULL AND (status IN ('queued', 'starting', 'processing', 'finalizing')
                       OR (status = 'preprocessed' AND EXISTS (SELECT 1 FROM stage_attempt a WHERE a.dub_id = dub.id
                           AND a.stage = 'generate' AND a.outcome = 'running'))))
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
    /// request in one transaction, so dubs run side by side cannot together cross it. Throws
    /// ``DubKitError/budgetExceeded(dub:required:committed:budget:)`` and records nothing when it would,
    /// and ``DubKitError/illegalTransition(entity:id:from:to:allowed:)`` when the dub is no longer
    /// `preprocessed` (`dub cancel` from another process), so a cancelled dub is never paid for.
    public func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                              jobID: String?) throws(DubKitError) -> StageAttempt {
        try write { db in
            try Self.beginGenerate(dub: id, required: required, budget: budget, fingerprint: fingerprint, jobID: jobID,
                                   after: nil, in: db)
        }
    }

    /// How ``beginGenerateUnlessUnsettled(dub:required:budget:fingerprint:jobID:)`` went.
    enum GenerateStart {
        /// The intent is recorded: the request may be sent.
        case started(StageAttempt)
        /// The dub's last generate attempt did not succeed (cut off, or its answer never came);
        /// nothing was recorded, and the provider is to be asked first.
        case unsettled(StageAttempt)
    }

    /// ``beginGenerate(dub:required:budget:fingerprint:jobID:)``, unless the dub's last generate attempt
    /// did not succeed: one transaction where the engine used a read and a write.
    func beginGenerateUnlessUnsettled(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                                      jobID: String?) throws(DubKitError) -> GenerateStart {
        try write { db in
            let earlier = try Self.lastAttempt(.generate, dub: id, in: db)
            if let earlier, earlier.outcome != .succeeded { return .unsettled(earlier) }
            return .started(try Self.beginGenerate(dub: id, required: required, budget: budget, fingerprint: fingerprint,
                                                   jobID: jobID, after: earlier?.attempt ?? 0, in: db))
        }
    }

    /// Checks and records a generate intent inside the caller's transaction (cached statements: every
    /// dub's paid step); `after` is the number of the dub's last generate attempt when already read.
    private static func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String, jobID: String?,
                                      after: Int?, in db: Database) throws -> StageAttempt {
        let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM dub WHERE id = ?"), arguments: [id])
        guard status == DubStatus.preprocessed.rawValue else {
            throw DubKitError.illegalTransition(entity: .dub, id: id, from: status ?? "none", to: DubStatus.queued.rawValue,
                                               allowed: ["(generate starts only from preprocessed)"])
        }
        if let limit = try Self.budget(budget, in: db) {
            let committed = try Self.committedCredits(db)
            if committed + required > limit {
                throw DubKitError.budgetExceeded(dub: id, required: required, committed: committed, budget: limit)
            }
        }
        let previous = try after ?? Int.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(attempt) FROM stage_attempt WHERE dub_id = ? AND stage = 'generate'"),
            arguments: [id]) ?? 0
        var attempt = StageAttempt(dubID: id, voiceID: nil, stage: .generate, attempt: previous + 1, outcome: .running,
                                   providerJobID: jobID, requestFingerprint: fingerprint, startedAt: Date())
        try attempt.insertRow(db)
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
