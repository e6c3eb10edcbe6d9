import Foundation
import GRDB

extension ProjectStore {
    /// How ``openGenerate(dub:required:budget:fingerprint:jobID:key:)`` went.
    enum GenerateStart {
        /// The intent is recorded (a new generate attempt and an open ledger entry): the request may be sent.
        case send(StageAttempt, PaidCall)
        /// An earlier request of the same key was sent and not settled (its answer lost, its runner
        /// stopped): the provider is to be asked before anything more; the attempt left running, if any.
        case pending(PaidCall, StageAttempt?)
        /// The provider took it already: the dub goes on from there.
        case completed(PaidCall, StageAttempt?)
        /// Its outcome is unknown and the provider cannot be asked: the user decides.
        case unknown(PaidCall)
    }

    /// The paid step's gate, in one transaction: checks that the dub is still `preprocessed`, finds the
    /// ledger entry of the request's key (`key(generation)`, generation = the step's earlier entries the
    /// user chose to pay again for), and only when there is none, or the one there was never sent,
    /// checks the budget and records the intent: the generate attempt and the open entry.
    func openGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String, jobID: String?,
                      providerID: String, key: @Sendable (Int) -> String) throws(DubKitError) -> GenerateStart {
        try write { db in
            let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM dub WHERE id = ?"), arguments: [id])
            guard status == DubStatus.preprocessed.rawValue else {
                throw DubKitError.illegalTransition(entity: .dub, id: id, from: status ?? "none", to: DubStatus.queued.rawValue,
                                                   allowed: ["(generate starts only from preprocessed)"])
            }
            let generation = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) FROM paid_call WHERE dub_id = ? AND operation = 'generate' AND state = 'abandoned'
                """), arguments: [id]) ?? 0
            let entryKey = key(generation)
            let earlier = try Self.lastAttempt(.generate, dub: id, in: db)
            let running = earlier?.outcome == .running ? earlier : nil
            let found = try PaidCall.fetchOne(db.cachedStatement(sql: "SELECT * FROM paid_call WHERE idempotency_key = ?"),
                                              arguments: [entryKey])
            if let found {
                switch found.state {
                case .open: return .pending(found, running)
                case .completed: return .completed(found, running)
                case .unknown, .abandoned: return .unknown(found)
                case .notSent: break
                }
            } else if let earlier, earlier.outcome != .succeeded, try Int.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) FROM paid_call WHERE dub_id = ? AND operation = 'generate'
                """), arguments: [id]) == 0 {
                // A store from before the ledger: an attempt that did not succeed is looked up first, as it was then.
                var adopted = Self.newEntry(key: entryKey, provider: providerID, operation: .generate, subject: .dub(id), jobID: jobID,
                                            credits: required, claim: claim)
                try adopted.insert(db)
                return .pending(adopted, running)
            }
            if let limit = try Self.budget(budget, in: db) {
                let committed = try Self.committedCredits(db)
                if committed + required > limit {
                    throw DubKitError.budgetExceeded(dub: id, required: required, committed: committed, budget: limit)
                }
            }
            let entry = try Self.open(found, key: entryKey, provider: providerID, operation: .generate, subject: .dub(id), jobID: jobID,
                                      credits: required, claim: claim, in: db)
            var attempt = StageAttempt(dubID: id, voiceID: nil, stage: .generate, attempt: (earlier?.attempt ?? 0) + 1,
                                       outcome: .running, providerJobID: jobID, requestFingerprint: fingerprint, startedAt: Date())
            try attempt.insert(db)
            return .send(attempt, entry)
        }
    }

    /// A new open entry for `subject`'s paid request of `key`, sent under `claim`.
    private static func newEntry(key: String, provider: String, operation: PaidCall.Operation, subject: ClaimSubject,
                                 jobID: String?, credits: Int64, claim: Claim?) -> PaidCall {
        var dubID: Int64?
        var voiceID: Int64?
        switch subject {
        case let .dub(id): dubID = id
        case let .voice(id): voiceID = id
        }
        return PaidCall(idempotencyKey: key, providerID: provider, operation: operation, dubID: dubID, voiceID: voiceID, jobID: jobID,
                        credits: credits, state: .open, sends: 1, fence: claim?.fence ?? 0,
                        runner: (claim?.runner ?? .current).recorded, openedAt: Date(), settledAt: nil, note: nil)
    }

    /// Writes the open entry of a paid request about to be sent, inside the caller's transaction: `found`
    /// (the same key, never sent: refused, or it did not leave) sent once more, else a new entry.
    private static func open(_ found: PaidCall?, key: String, provider: String, operation: PaidCall.Operation,
                             subject: ClaimSubject, jobID: String?, credits: Int64, claim: Claim?, in db: Database) throws -> PaidCall {
        guard var entry = found else {
            var entry = newEntry(key: key, provider: provider, operation: operation, subject: subject, jobID: jobID,
                                 credits: credits, claim: claim)
            try entry.insert(db)
            return entry
        }
        entry.state = .open
        entry.sends += 1
        entry.credits = credits
        entry.fence = claim?.fence ?? 0
        entry.runner = (claim?.runner ?? .current).recorded
        entry.settledAt = nil
        try entry.update(db)
        return entry
    }

    /// Settles a ledger entry inside the caller's transaction.
    static func settle(_ entry: PaidCall, _ state: PaidCall.State, note: String?, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE paid_call SET state = ?, settled_at = ?, note = COALESCE(?, note) WHERE id = ?")
            .execute(arguments: [state.rawValue, UTCDateText.storeValue(Date()), note, entry.id])
    }

    /// Settles a ledger entry and, in the same transaction, ends the generate `attempt` left running (if
    /// any) with `outcome` and moves the dub to `next` (with `failure` when that is `error`). Returns the
    /// dub as left.
    @discardableResult
    func settle(_ entry: PaidCall, _ state: PaidCall.State, note: String?, ending attempt: StageAttempt?,
                outcome: StageAttempt.Outcome, jobID: String? = nil, failure: FailureInfo? = nil,
                then next: DubStatus?) throws(DubKitError) -> Dub? {
        try write { db in
            try Self.settle(entry, state, note: note, in: db)
            guard let dubID = entry.dubID else { return nil }
            if let attempt {
                _ = try finish(Self.ended(attempt, outcome: outcome, jobID: jobID, failure: failure), failure: failure,
                               then: next, registering: [], updating: nil, in: db)
            } else if let next {
                try Dub.transition(dubID, to: next, failure: failure, in: db)
            }
            return try Self.fetchDub(dubID, in: db)
        }
    }

    /// Settles a ledger entry in its own transaction (conditional on the store's claim, as every write).
    public func settle(_ entry: PaidCall, _ state: PaidCall.State, note: String? = nil) throws(DubKitError) {
        try write { db in try Self.settle(entry, state, note: note, in: db) }
    }

    /// Records a voice's training request in the ledger inside the caller's transaction, before it is
    /// sent: a new entry, or the one of the same key that never reached the provider, sent again. Each
    /// training the provider took before gives the next one a key of its own.
    static func openTraining(_ voice: Voice, jobID: String?, credits: Int64, claim: Claim?, in db: Database) throws {
        guard let id = voice.id else { return }
        let generation = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM paid_call WHERE voice_id = ? AND operation = 'train' AND state IN ('completed', 'unknown', 'abandoned')
            """, arguments: [id]) ?? 0
        let key = PaidCall.key(provider: voice.providerID, operation: .train, subject: .voice(id), jobID: jobID,
                               content: [voice.datasetHash ?? ""], generation: generation)
        let found = try PaidCall.filter(PaidCall.Columns.idempotencyKey == key).fetchOne(db)
        _ = try open(found, key: key, provider: voice.providerID, operation: .train, subject: .voice(id), jobID: jobID,
                     credits: credits, claim: claim, in: db)
    }

    /// The ledger entries of a voice's trainings, oldest first.
    public func paidCalls(voice id: Int64) throws(DubKitError) -> [PaidCall] {
        try read { db in try PaidCall.filter(PaidCall.Columns.voiceID == id).order(PaidCall.Columns.id).fetchAll(db) }
    }

    /// Marks the dub's requests of unknown outcome `abandoned` (`dub retry --allow-repay`): they stay
    /// counted as possibly charged, and the next request of the step gets a key of its own.
    func abandonUnknownCalls(dub id: Int64) throws(DubKitError) {
        try write { db in
            try db.execute(sql: """
                UPDATE paid_call SET state = 'abandoned', note = COALESCE(note || '; ', '') || 'sent again by --allow-repay'
                WHERE dub_id = ? AND state = 'unknown'
                """, arguments: [id])
        }
    }

    /// The ledger entries of a dub (its chunks' are theirs), oldest first.
    public func paidCalls(dub id: Int64) throws(DubKitError) -> [PaidCall] {
        try read { db in try PaidCall.filter(PaidCall.Columns.dubID == id).order(PaidCall.Columns.id).fetchAll(db) }
    }

    /// Every ledger entry of the project, oldest first.
    public func paidCalls() throws(DubKitError) -> [PaidCall] {
        try read { db in try PaidCall.order(PaidCall.Columns.id).fetchAll(db) }
    }
}

extension PaidCall {
    init(idempotencyKey: String, providerID: String, operation: Operation, dubID: Int64? = nil, voiceID: Int64? = nil,
         jobID: String? = nil, credits: Int64, state: State, sends: Int, fence: Int64, runner: String, openedAt: Date,
         settledAt: Date? = nil, note: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.providerID = providerID
        self.operation = operation
        self.dubID = dubID
        self.voiceID = voiceID
        self.jobID = jobID
        self.credits = credits
        self.state = state
        self.sends = sends
        self.fence = fence
        self.runner = runner
        self.openedAt = openedAt
        self.settledAt = settledAt
        self.note = note
    }
}
