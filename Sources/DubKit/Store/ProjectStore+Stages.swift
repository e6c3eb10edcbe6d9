import Foundation
import GRDB

extension ProjectStore {
    /// Records the start of an attempt at a dub's stage (numbered after the earlier ones) before its
    /// request is sent, so an interrupted attempt is visible on resume.
    ///
    /// In the same transaction, `closing` ends an earlier attempt at the stage that a crash or a
    /// transient failure left `running` (as failed, with that cause), and `moving` moves the dub to
    /// that status first: one transaction where the engine used to need a read and two writes.
    public func beginStage(_ stage: StageAttempt.Stage, dub id: Int64, fingerprint: String? = nil,
                           jobID: String? = nil, closing dangling: FailureInfo? = nil,
                           moving next: DubStatus? = nil) throws(DubKitError) -> StageAttempt {
        try write { db in
            try Self.beginStage(StageStart(stage: stage, jobID: jobID, moving: next, closing: dangling), dub: id,
                                fingerprint: fingerprint, in: db)
        }
    }

    /// The start of a dub's stage, as ``beginStage(_:dub:fingerprint:jobID:closing:moving:)`` records it.
    struct StageStart: Sendable {
        var stage: StageAttempt.Stage
        var jobID: String?
        /// The status the dub moves to as the stage starts.
        var moving: DubStatus?
        /// The cause recorded on an attempt at the stage left `running`.
        var closing: FailureInfo?
    }

    /// ``beginStage(_:dub:fingerprint:jobID:closing:moving:)`` inside the caller's transaction.
    static func beginStage(_ start: StageStart, dub id: Int64, fingerprint: String? = nil, in db: Database) throws -> StageAttempt {
        if let next = start.moving { try Dub.transition(id, to: next, in: db) }
        var previous: Int?
        if let dangling = start.closing {
            let last = try Self.lastAttempt(start.stage, dub: id, in: db)
            if let running = last, running.outcome == .running {
                var closed = running
                closed.outcome = .failed
                closed.finishedAt = Date()
                closed.errorCode = dangling.code
                closed.errorMessage = dangling.message
                try closed.updateChanges(db, from: running)
            }
            // The last attempt is the highest numbered.
            previous = last?.attempt ?? 0
        }
        let number = try previous ?? Int.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(attempt) FROM stage_attempt WHERE dub_id = ? AND stage = ?"),
            arguments: [id, start.stage.rawValue]) ?? 0
        var attempt = StageAttempt(dubID: id, voiceID: nil, stage: start.stage, attempt: number + 1, outcome: .running,
                                   providerJobID: start.jobID, requestFingerprint: fingerprint, startedAt: Date())
        try attempt.insert(db)
        return attempt
    }

    /// Records how an attempt ended (and the provider job it created, if any) and, in the same
    /// transaction, moves its dub to `next`: a crash can never leave a finished stage without its status.
    /// What the stage produced goes in the same transaction: `media` is registered and `change` applied
    /// to the dub's other fields (as ``updateDub(_:registering:_:)`` does) before the move.
    /// Returns the dub as this transaction left it (nil for a voice's attempt), so the engine's next
    /// stage starts from it without reading it again.
    @discardableResult
    public func finishStage(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String? = nil,
                            failure: FailureInfo? = nil, then next: DubStatus? = nil, registering media: [MediaRef] = [],
                            updating change: ((inout Dub) -> Void)? = nil) throws(DubKitError) -> Dub? {
        let finished = Self.ended(attempt, outcome: outcome, jobID: jobID, failure: failure)
        return try write { db in
            guard let id = try finish(finished, failure: failure, then: next, registering: media, updating: change, in: db) else {
                return nil
            }
            return try Self.fetchDub(id, in: db)
        }
    }

    /// A dub's stage that succeeded, as ``finishStage(_:outcome:jobID:failure:then:registering:updating:)``
    /// records it, and in the same transaction the start of the stage that follows: one transaction
    /// at the boundary of two stages where the engine wrote two. Returns the dub as left and the new attempt.
    func finishStage(_ attempt: StageAttempt, jobID: String? = nil, then next: DubStatus, registering media: [MediaRef] = [],
                     updating change: ((inout Dub) -> Void)? = nil,
                     beginning start: StageStart) throws(DubKitError) -> (dub: Dub?, begun: StageAttempt?) {
        let finished = Self.ended(attempt, outcome: .succeeded, jobID: jobID, failure: nil)
        return try write { db in
            guard let id = try finish(finished, failure: nil, then: next, registering: media, updating: change, in: db) else {
                return (nil, nil)
            }
            let begun = try Self.beginStage(start, dub: id, in: db)
            return (try Self.fetchDub(id, in: db), begun)
        }
    }

    static func ended(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String?,
                              failure: FailureInfo?) -> StageAttempt {
        var finished = attempt
        finished.outcome = outcome
        finished.finishedAt = Date()
        if let jobID { finished.providerJobID = jobID }
        finished.errorCode = failure?.code
        finished.errorMessage = failure?.message
        return finished
    }

    /// Writes a finished attempt and what its stage produced inside the caller's transaction; the
    /// attempt's dub, if it is a dub's.
    func finish(_ finished: StageAttempt, failure: FailureInfo?, then next: DubStatus?, registering media: [MediaRef],
                        updating change: ((inout Dub) -> Void)?, in db: Database) throws -> Int64? {
        try finished.update(db)
        for ref in media { try MediaStore.register(ref, in: db) }
        guard let id = finished.dubID else { return nil }
        if let change { try changeDub(id, in: db, change) }
        if let next { try Dub.transition(id, to: next, failure: failure, in: db) }
        return id
    }

    /// Records the start of an attempt at a voice's stage (training's paid step) before its request is sent.
    public func beginStage(_ stage: StageAttempt.Stage, voice id: Int64, jobID: String? = nil) throws(DubKitError) -> StageAttempt {
        try write { db in
            let previous = try Int.fetchOne(db, sql: "SELECT MAX(attempt) FROM stage_attempt WHERE voice_id = ? AND stage = ?",
                                            arguments: [id, stage.rawValue]) ?? 0
            var attempt = StageAttempt(dubID: nil, voiceID: id, stage: stage, attempt: previous + 1, outcome: .running,
                                       providerJobID: jobID, requestFingerprint: nil, startedAt: Date())
            try attempt.insert(db)
            return attempt
        }
    }

    /// Records how a voice's attempt ended and, in the same transaction, moves the voice to `next`.
    public func finishStage(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, failure: FailureInfo? = nil,
                            thenVoice next: VoiceStatus?) throws(DubKitError) {
        var attempt = attempt
        attempt.outcome = outcome
        attempt.finishedAt = Date()
        attempt.errorCode = failure?.code
        attempt.errorMessage = failure?.message
        let finished = attempt
        try write { db in
            try finished.update(db)
            if finished.stage == .train, let id = finished.voiceID {
                // The training's ledger entry: taken, or it never reached the provider.
                try db.execute(sql: """
                    UPDATE paid_call SET state = ?, settled_at = ? WHERE voice_id = ? AND operation = 'train' AND state = 'open'
                    """, arguments: [outcome == .succeeded ? PaidCall.State.completed.rawValue : PaidCall.State.notSent.rawValue,
                                    UTCDateText.storeValue(Date()), id])
            }
            if let next, let id = finished.voiceID {
                try Voice.transition(id, to: next, failure: failure, in: db)
            }
        }
    }

    /// The latest attempt at a voice's stage, if any.
    public func lastAttempt(_ stage: StageAttempt.Stage, voice id: Int64) throws(DubKitError) -> StageAttempt? {
        try read { db in
            try StageAttempt.filter(StageAttempt.Columns.voiceID == id && StageAttempt.Columns.stage == stage.rawValue)
                .order(StageAttempt.Columns.attempt.desc).fetchOne(db)
        }
    }

    /// The latest attempt at a dub's stage, if any.
    public func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64) throws(DubKitError) -> StageAttempt? {
        try readStatement { db in try Self.lastAttempt(stage, dub: id, in: db) }
    }

    /// The latest attempt at a dub's stage, inside the caller's transaction (a cached statement: every
    /// stage of every dub asks).
    static func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64, in db: Database) throws -> StageAttempt? {
        try StageAttempt.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM stage_attempt WHERE dub_id = ? AND stage = ? ORDER BY attempt DESC LIMIT 1"),
            arguments: [id, stage.rawValue])
    }

    /// Changes a dub's non-status fields (job id, media, duration, credits) in one transaction, in
    /// which `media` (files the change refers to) is registered too.
    @discardableResult
    public func updateDub(_ id: Int64, registering media: [MediaRef] = [],
                          _ change: (inout Dub) -> Void) throws(DubKitError) -> Dub {
        try write { db in
            for ref in media { try MediaStore.register(ref, in: db) }
            return try changeDub(id, in: db, change)
        }
    }

    /// ``updateDub(_:registering:_:)`` inside the caller's transaction.
    @discardableResult
    func changeDub(_ id: Int64, in db: Database, _ change: (inout Dub) -> Void) throws -> Dub {
        guard var dub = try Self.fetchDub(id, in: db) else {
            throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
        }
        let before = dub
        let status = dub.status
        change(&dub)
        guard dub.status == status else {
            throw DubKitError.illegalTransition(entity: .dub, id: id, from: status.rawValue, to: dub.status.rawValue,
                                               allowed: ["(status changes go through transitionDub)"])
        }
        dub.updatedAt = Date()
        // Only the columns that changed (the row was read in this transaction).
        try dub.updateChanges(db, from: before)
        return dub
    }
}
