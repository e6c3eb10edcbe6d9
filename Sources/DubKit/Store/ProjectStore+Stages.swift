import Foundation
import GRDB

extension ProjectStore {
    /// Records the start of an attempt at a dub's stage (numbered after the earlier ones) before its
    /// request is sent, so an interrupted attempt is visible on resume.
    public func beginStage(_ stage: StageAttempt.Stage, dub id: Int64, fingerprint: String? = nil,
                           jobID: String? = nil) throws(DubKitError) -> StageAttempt {
        try write { db in
            let previous = try Int.fetchOne(db, sql: "SELECT MAX(attempt) FROM stage_attempt WHERE dub_id = ? AND stage = ?",
                                            arguments: [id, stage.rawValue]) ?? 0
            var attempt = StageAttempt(dubID: id, voiceID: nil, stage: stage, attempt: previous + 1, outcome: .running,
                                       providerJobID: jobID, requestFingerprint: fingerprint, startedAt: Date())
            try attempt.insert(db)
            return attempt
        }
    }

    /// Records how an attempt ended (and the provider job it created, if any) and, in the same
    /// transaction, moves its dub to `next`: a crash can never leave a finished stage without its status.
    public func finishStage(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String? = nil,
                            failure: FailureInfo? = nil, then next: DubStatus? = nil) throws(DubKitError) {
        var attempt = attempt
        attempt.outcome = outcome
        attempt.finishedAt = Date()
        if let jobID { attempt.providerJobID = jobID }
        attempt.errorCode = failure?.code
        attempt.errorMessage = failure?.message
        let finished = attempt
        try write { db in
            try finished.update(db)
            if let next, let id = finished.dubID {
                try Dub.transition(id, to: next, failure: failure, in: db)
            }
        }
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
            if let next, let id = finished.voiceID {
                try Voice.transition(id, to: next, failure: failure, in: db)
            }
        }
    }

    /// The latest attempt at a voice's stage, if any.
    public func lastAttempt(_ stage: StageAttempt.Stage, voice id: Int64) throws(DubKitError) -> StageAttempt? {
        try read { db in
            try StageAttempt.filter(Column("voice_id") == id && Column("stage") == stage.rawValue)
                .order(Column("attempt").desc).fetchOne(db)
        }
    }

    /// The latest attempt at a dub's stage, if any.
    public func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64) throws(DubKitError) -> StageAttempt? {
        try read { db in
            try StageAttempt.filter(Column("dub_id") == id && Column("stage") == stage.rawValue)
                .order(Column("attempt").desc).fetchOne(db)
        }
    }

    /// Changes a dub's non-status fields (job id, media, duration, credits) in one transaction.
    @discardableResult
    public func updateDub(_ id: Int64, _ change: (inout Dub) -> Void) throws(DubKitError) -> Dub {
        try write { db in
            guard var dub = try Dub.fetchOne(db, key: id) else {
                throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
            }
            let status = dub.status
            change(&dub)
            guard dub.status == status else {
                throw DubKitError.illegalTransition(entity: .dub, id: id, from: status.rawValue, to: dub.status.rawValue,
                                                   allowed: ["(status changes go through transitionDub)"])
            }
            dub.updatedAt = Date()
            try dub.update(db)
            return dub
        }
    }
}
