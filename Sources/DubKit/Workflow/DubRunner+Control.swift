import Foundation

/// What `dub retry` decided for a dub in error.
public struct DubRetry: Sendable, Hashable, Codable {
    /// The status the dub continues from.
    public var resumesAt: DubStatus
    /// The attempt number this retry is for the stage it resumes.
    public var attempt: Int
    /// True when the provider's job had failed and a new one is created (and paid for again).
    public var newJob: Bool
    /// Why, in a sentence.
    public var reason: String
}

/// Retrying and cancelling: decisions that look at the dub's history and at the provider's job.
extension DubRunner {
    /// Moves a dub in `error` back to the status its failed stage starts from, after asking the
    /// provider where its job stands; run it again with ``run(_:)``.
    ///
    /// A dub that stopped with `outcome_unknown` (a paid request sent, its answer lost, and the provider
    /// offers no way to look it up) is sent again only with `allowRepay`: the unknown request stays
    /// counted as possibly charged, and the new one is sent once.
    public func retry(_ id: Int64, allowRepay: Bool = false) async throws -> DubRetry {
        try await holding(.dub(id)) { runner in try await runner.retryHeld(id, allowRepay: allowRepay) }
    }

    /// Runs `body` with a copy of this runner whose store is fenced by a claim on `subject`, held (and
    /// renewed) for the length of `body` (``ProjectStore/withClaim(_:leaseSeconds:force:_:)``); by force
    /// for `dub cancel`, which must win over a runner at work.
    func holding<T: Sendable>(_ subject: ClaimSubject, force: Bool = false,
                              _ body: @escaping @Sendable (DubRunner) async throws -> T) async throws -> T {
        let runner = self
        return try await store.unfenced.withClaim(subject, leaseSeconds: leaseSeconds, force: force) { fenced in
            var held = runner
            held.store = fenced
            return try await body(held)
        }
    }

    private func retryHeld(_ id: Int64, allowRepay: Bool) async throws -> DubRetry {
        let dub = try store.dub(id)
        guard dub.status == .error else {
            throw DubKitError.invalidField(field: "dub \(id) status", value: dub.status.rawValue,
                                           allowed: "error (only a failed dub is retried; `dub run` continues the others)")
        }
        let failedFrom = try store.events(of: .dub, id: id).last { $0.toStatus == DubStatus.error.rawValue }?
            .fromStatus.flatMap(DubStatus.init(rawValue:)) ?? .new
        if dub.isChunked { return try await retryChunked(dub, failedFrom: failedFrom, allowRepay: allowRepay) }
        var plan = try await plan(dub, failedFrom: failedFrom)
        let unknown = try store.paidCalls(dub: id).filter { $0.state == .unknown }
        if !unknown.isEmpty {
            let credits = unknown.map(\.credits).reduce(0, +)
            guard allowRepay else { throw DubKitError.outcomeUnknown(dub: id, project: store.name, credits: credits) }
            try store.abandonUnknownCalls(dub: id)
            plan.reason = "the earlier generate request's outcome is unknown (it may have cost \(credits) credits); "
                + "--allow-repay: it is sent once more and both stay counted against the budget"
        }
        if plan.newJob {
            try store.updateDub(id) { $0.providerJobID = nil; $0.creditsUsed = 0 }
        }
        try store.transitionDub(id, to: plan.resumesAt, message: "retry: \(plan.reason)")
        return plan
    }

    private func plan(_ dub: Dub, failedFrom: DubStatus) async throws -> DubRetry {
        let id = dub.id ?? 0
        func attempt(_ stage: StageAttempt.Stage) throws -> Int {
            (try store.lastAttempt(stage, dub: id)?.attempt ?? 0) + 1
        }
        switch failedFrom {
        case .new, .uploading:
            return DubRetry(resumesAt: .uploading, attempt: try attempt(.upload), newJob: false, reason: "upload again")
        case .uploaded, .preprocessing:
            guard dub.providerJobID != nil else { break }
            return DubRetry(resumesAt: .preprocessing, attempt: try attempt(.preprocess), newJob: false, reason: "preprocess again")
        case .preprocessed:
            return DubRetry(resumesAt: .preprocessed, attempt: try attempt(.generate), newJob: false,
                            reason: "generate again, once the provider confirms the earlier request did not reach it")
        case .queued, .starting, .processing, .finalizing, .error, .done, .cancelled:
            guard let jobID = dub.providerJobID else { break }
            let state = try await provider.pollDub(jobID: jobID)
            switch state.status {
            case .error, .cancelled:
                let cost = dub.creditsRequired.map { "\($0) credits" } ?? "its cost, known once the input is measured"
                return DubRetry(resumesAt: .uploading, attempt: try attempt(.generate), newJob: true,
                                reason: "the provider's job \(jobID) ended in \(state.status.rawValue); a new job is created "
                                    + "and its generate is paid for again (\(cost), within the budget)")
            case .done:
                return DubRetry(resumesAt: .finalizing, attempt: try attempt(.download), newJob: false,
                                reason: "download the finished result again")
            case .new, .uploading:
                return DubRetry(resumesAt: .uploading, attempt: try attempt(.upload), newJob: false,
                                reason: "the provider's job \(jobID) is still \(state.status.rawValue): it is continued from its upload")
            case .uploaded, .preprocessing:
                return DubRetry(resumesAt: .preprocessing, attempt: try attempt(.preprocess), newJob: false,
                                reason: "the provider's job \(jobID) is \(state.status.rawValue): it is continued from its preprocess")
            case .preprocessed:
                return DubRetry(resumesAt: .preprocessed, attempt: try attempt(.generate), newJob: false,
                                reason: "the provider's job \(jobID) is preprocessed: generate is sent once the ledger shows "
                                    + "no earlier request reached it")
            default:
                return DubRetry(resumesAt: .queued, attempt: try attempt(.generate), newJob: false,
                                reason: "the provider's job \(jobID) is \(state.status.rawValue): wait for it")
            }
        }
        return DubRetry(resumesAt: .uploading, attempt: try attempt(.upload), newJob: true, reason: "start over: no provider job was recorded")
    }

    /// Cancels a dub that is not finished: asks the provider to stop its job when it has one and can,
    /// and marks the dub `cancelled`. Returns a note on what happened at the provider.
    ///
    /// It takes the dub's claim whoever holds it, so a runner at work on the dub finds its next write
    /// refused and stops.
    public func cancel(_ id: Int64) async throws -> String {
        try await holding(.dub(id), force: true) { runner in try await runner.cancelHeld(id) }
    }

    private func cancelHeld(_ id: Int64) async throws -> String {
        let dub = try store.dub(id)
        guard !dub.status.isFinal else {
            throw DubKitError.invalidField(field: "dub \(id) status", value: dub.status.rawValue,
                                           allowed: "a dub that is not done or cancelled")
        }
        var note = "nothing was sent to the provider's paid step"
        // Whether the paid step's credits stay spent: they are then recorded on the dub, and summed for the project.
        var spent = false
        if let jobID = dub.providerJobID, [.queued, .starting, .processing].contains(dub.status) {
            do {
                try await provider.cancelDub(jobID: jobID)
                note = "the provider stopped job \(jobID)"
            } catch let error as ProviderError {
                spent = true
                if case .unsupported = error {
                    note = "\(provider.descriptor.id) cannot stop job \(jobID): it runs on and its credits stay spent"
                } else {
                    note = "the provider did not stop job \(jobID): \(error.localizedDescription)"
                }
            }
        } else if dub.status == .finalizing {
            note = "the provider had finished; its credits are spent"
            spent = true
        }
        if spent && dub.creditsUsed == 0, let required = dub.creditsRequired {
            try store.updateDub(id) { $0.creditsUsed = required }
        }
        if dub.isChunked { note = try await cancelChunks(of: id) }
        try store.transitionDub(id, to: .cancelled, message: "cancelled: \(note)")
        return note
    }
}
