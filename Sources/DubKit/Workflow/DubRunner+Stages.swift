import DubKitMedia
import Foundation

/// The stages of ``DubRunner``, each safe to run again after an interruption or a transient failure.
/// A stage returns the dub as the transaction that ended it stored it, for the next stage to start
/// from (nil when the runner is to read it again: a stage that ended otherwise, or a poll that found
/// the job unchanged, after which a `dub cancel` from another process is looked for). With
/// `continuing`, the transaction that ends an upload or finds a job done also begins the next stage
/// (preprocess, download), which is then handed over as `begun`; the runner says so unless it is to
/// stop at the status between them.
extension DubRunner {
    func upload(_ dub: Dub, continuing: Bool = false) async throws -> Handoff? {
        guard let id = dub.id else { return nil }
        let next: DubStatus? = dub.status == .new ? .uploading : nil
        // A dub to be cut into chunks needs its audio here, so its link is not handed over.
        if dub.sourceKind == .link && provider.descriptor.capabilities.contains(.links) && dub.chunkSeconds == nil {
            // The provider fetches the link itself: creating its job with the link is the whole upload.
            let attempt = try begin(.upload, dub: id, jobID: dub.providerJobID, moving: next)
            let jobID = try await job(for: dub, id: id, link: dub.source)
            report("dub \(id): \(provider.descriptor.name) fetches \(dub.shownSource) itself")
            return try uploaded(attempt, jobID: jobID, continuing: continuing)
        }
        // Otherwise a link is downloaded once into the media store (see `sourceFile`) and uploaded like a file.
        let attempt = try begin(.upload, dub: id, jobID: dub.providerJobID, moving: next)
        let source = try await sourceFile(of: dub, id: id)
        // Before the provider's job: a video whose audio stops short of its picture is refused unpaid.
        if dub.parentID == nil { try SourceCheck.audioCoversPicture(source) }
        report("dub \(id): extracting the audio of \(dub.sourceKind == .link ? "the link's file" : dub.source)")
        let audio = try await sourceAudio(of: dub, from: source)
        let ref = audio.ref
        // Longer than the provider takes (or than the user's --chunk): cut into chunks, each a dub of its own.
        if try await splitIfNeeded(dub, id: id, audio: audio, attempt: attempt) { return nil }
        // The stored audio is recorded on the dub with its new job, in one transaction; with a job
        // recorded before (a resumed upload), in the transaction that ends the stage.
        let jobID = try await job(for: dub, id: id, link: nil, source: ref)
        let sourceRecorded = dub.providerJobID == nil || dub.sourceMediaHash == ref.hash
        // Resuming: the provider may have the audio already from the interrupted run.
        if dub.providerJobID != nil, try await provider.pollDub(jobID: jobID).status != .new {
            report("dub \(id): the provider already has the audio")
        } else {
            report("dub \(id): uploading \(ref.byteCount) bytes")
            _ = try await provider.uploadDub(jobID: jobID, audio: store.media.url(for: ref.hash))
        }
        return try uploaded(attempt, jobID: jobID, continuing: continuing, registering: sourceRecorded ? [] : [ref],
                            updating: sourceRecorded ? nil : { $0.sourceMediaHash = ref.hash })
    }

    /// Ends the upload stage and, `continuing`, begins the preprocess stage in the same transaction.
    private func uploaded(_ attempt: StageAttempt, jobID: String, continuing: Bool, registering media: [MediaRef] = [],
                          updating change: ((inout Dub) -> Void)? = nil) throws -> Handoff? {
        guard continuing else {
            return try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .uploaded,
                                         registering: media, updating: change).map { Handoff(dub: $0) }
        }
        let (dub, begun) = try store.finishStage(attempt, jobID: jobID, then: .uploaded, registering: media, updating: change,
                                                 beginning: Self.start(.preprocess, jobID: jobID, moving: .preprocessing))
        return dub.map { Handoff(dub: $0, begun: begun) }
    }

    /// The dub's provider job: the one recorded, or a new one created and recorded at once, with
    /// `source` (the dub's stored audio) when given.
    private func job(for dub: Dub, id: Int64, link: String?, source: MediaRef? = nil) async throws -> String {
        if let recorded = dub.providerJobID { return recorded }
        let created: DubJobState
        do {
            let custom = try store.trainedVoice(provider: dub.providerID, name: dub.voiceRef)
            let settings = DubSettings.stored(pitchShift: dub.pitchShift, parameters: dub.parameters)
            created = try await provider.createDub(DubJobRequest(
                voice: custom?.providerVoiceID ?? dub.voiceRef, pitchShift: settings.pitchShift, separate: dub.separate,
                parameters: settings.parameters, link: link, voiceData: custom?.modelDataValue))
        } catch {
            // No job: the stored audio is recorded on the dub all the same (its review page and
            // `dub list` show it whatever became of the dub).
            if let source { try store.updateDub(id, registering: [source]) { $0.sourceMediaHash = source.hash } }
            throw error
        }
        try store.updateDub(id, registering: source.map { [$0] } ?? []) {
            $0.providerJobID = created.jobID
            if let source { $0.sourceMediaHash = source.hash }
        }
        return created.jobID
    }

    func preprocess(_ dub: Dub, begun: StageAttempt? = nil) async throws -> Handoff? {
        let (id, jobID) = try Self.job(of: dub)
        var state: DubJobState?
        // Begun by the upload's last transaction, the request cannot have been sent yet.
        if dub.status != .uploaded && begun == nil {
            // Resuming: the interrupted request may have reached the provider, which refuses a second one.
            let seen = try await provider.pollDub(jobID: jobID)
            if seen.status == .preprocessing || seen.status == .preprocessed {
                report("dub \(id): the provider already has the preprocess request")
                state = seen
            }
        }
        let attempt = try begun ?? begin(.preprocess, dub: id, jobID: jobID, moving: dub.status == .uploaded ? .preprocessing : nil)
        var current: DubJobState
        if let state {
            current = state
        } else {
            current = try await provider.preprocessDub(jobID: jobID)
        }
        // Services that analyse in the background answer `preprocessing` first.
        while current.status == .preprocessing {
            try await sleepOnePollInterval()
            current = try await provider.pollDub(jobID: jobID)
        }
        try Self.expect(current, .preprocessed, stage: "preprocess", provider: provider.descriptor.id)
        let found = current
        // The provider's own figure when it gives one, else the adapter's price for the measured length.
        let required = CostEstimate.required(reported: found.creditsRequired, inputDurationMs: found.inputDurationMs,
                                             provider: provider, parameters: dub.parameters)
        let stored = try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .preprocessed) {
            $0.inputDurationMs = found.inputDurationMs
            $0.creditsRequired = required
        }
        report("dub \(id): preprocessed, \(required.map(String.init) ?? "?") credits")
        return stored.map { Handoff(dub: $0) }
    }

    /// The paid step, through the ledger: the request's entry is opened (with the budget check and the
    /// attempt) before it is sent and settled after. An entry found open (an answer lost, a runner
    /// stopped) is looked up at the provider first; where the provider cannot tell, the dub stops in
    /// `error` with `outcome_unknown` and is sent again only by `dub retry --allow-repay`.
    func generate(_ dub: Dub) async throws -> Handoff? {
        let (id, jobID) = try Self.job(of: dub)
        let required = dub.creditsRequired ?? 0
        let fingerprint = Self.fingerprint(dub)
        let providerID = provider.descriptor.id
        let open = { () throws(DubKitError) -> ProjectStore.GenerateStart in
            try store.openGenerate(dub: id, required: required, budget: budget, fingerprint: fingerprint, jobID: jobID,
                                   providerID: providerID) { generation in
                PaidCall.key(provider: providerID, operation: .generate, subject: .dub(id), jobID: jobID, content: [fingerprint],
                             generation: generation)
            }
        }
        var start = try open()
        if case let .pending(unsettled, running) = start {
            // Sent again in this same step when the provider never saw it, so a request that keeps failing
            // counts as one failure after another, not as a lookup that succeeded.
            guard try await reconcile(id, jobID: jobID, unsettled, running: running) else { return nil }
            start = try open()
        }
        let attempt: StageAttempt
        let entry: PaidCall
        switch start {
        case let .send(started, opened):
            (attempt, entry) = (started, opened)
        case let .completed(taken, running):
            // The provider took it and a runner stopped before the dub moved on.
            try store.settle(taken, .completed, note: nil, ending: running, outcome: .succeeded, jobID: jobID, then: .queued)
            return nil
        case let .unknown(unsettled):
            try stopUnknown(id, unsettled, running: nil, why: unsettled.note ?? "its answer was lost")
            return nil
        case .pending:
            return nil
        }
        // An account that cannot cover it: refused before it is sent (the attempt ends, nothing paid).
        try await CreditCheck.cover(required, at: provider, for: "generate of job \(jobID)")
        // Said before the request: a provider that converts in place reports its progress during it.
        report("dub \(id): generating")
        let state: DubJobState
        do {
            state = try await provider.generateDub(jobID: jobID, progress: progress)
        } catch let error as ProviderError where Self.isRefusal(error) {
            // The provider answered and did not take it: nothing was charged, it may be sent again.
            try store.settle(entry, .notSent, note: error.code, ending: attempt, outcome: .failed,
                             failure: FailureInfo(code: error.code, message: error.localizedDescription), then: nil)
            throw error
        }
        // Any other failure leaves the entry open: the next pass looks the request up before anything more.
        if let note = state.note { try record(id, note) }
        if state.status == .error {
            try store.settle(entry, .completed, note: "the provider took the request and failed the job", ending: nil,
                             outcome: .succeeded, then: nil)
            throw Self.remoteFailure(state, provider: providerID)
        }
        let stored = try store.settle(entry, .completed, note: nil, ending: attempt, outcome: .succeeded, jobID: state.jobID,
                                      then: .queued)
        report("dub \(id): queued")
        return stored.map { Handoff(dub: $0) }
    }

    /// A paid request sent and not settled: the provider is asked whether it reached it. Taken: the dub
    /// goes on without sending it again. Not taken: it is marked never sent, and true is returned (send
    /// it now). The provider cannot tell: the dub stops with `outcome_unknown`.
    private func reconcile(_ id: Int64, jobID: String, _ entry: PaidCall, running: StageAttempt?) async throws -> Bool {
        let name = provider.descriptor.name
        let sent = entry.sends == 1 ? "generate" : "generate (sent \(entry.sends) times)"
        switch try await provider.lookUpGenerate(jobID: jobID) {
        case let .received(state):
            try record(id, "the answer to \(sent) was lost or never recorded; looked the job up at \(name): job \(jobID) is "
                       + "\(state.status.rawValue), so the request had reached \(name) and is not sent again")
            try store.settle(entry, .completed, note: "reconciled: \(state.status.rawValue) at \(name)", ending: running,
                             outcome: .succeeded, jobID: jobID, then: .queued)
            return false
        case .notReceived:
            try record(id, "looked job \(jobID) up at \(name) before sending generate again: it is still preprocessed, "
                       + "so the earlier request never took effect; sending it now")
            try store.settle(entry, .notSent, note: "reconciled: never reached \(name)", ending: running, outcome: .failed,
                             failure: FailureInfo(code: "interrupted", message: "never reached the provider"), then: nil)
            return true
        case let .cannotTell(why):
            try stopUnknown(id, entry, running: running, why: why)
            return false
        }
    }

    /// Ends the dub in `error` with `outcome_unknown`: the request may have been charged, and nothing is
    /// sent again without `dub retry --allow-repay`.
    private func stopUnknown(_ id: Int64, _ entry: PaidCall, running: StageAttempt?, why: String) throws {
        let error = DubKitError.outcomeUnknown(dub: id, project: store.name, credits: entry.credits)
        let message = "\(error.localizedDescription) (\(why)); \(error.recoverySuggestion ?? "")"
        report("dub \(id): error outcome_unknown: \(message)")
        let failure = FailureInfo(code: error.code, message: message)
        try store.settle(entry, .unknown, note: why, ending: running, outcome: .failed, failure: failure,
                         then: try store.dub(id).status == .error ? nil : .error)
    }

    /// True when the provider answered and did not take the request (so nothing was charged): a refusal
    /// (4xx), a rate limit, or a check before any request. Anything else (no answer, an answer lost, a
    /// server error) may have been carried out and is looked up before the request is sent again.
    static func isRefusal(_ error: ProviderError) -> Bool {
        switch error {
        case .unreachable, .answerLost, .pluginCrashed, .pluginTimedOut, .pluginProtocol: false
        case let .remote(_, status, _, _): status.map { (400..<500).contains($0) } ?? false
        case .rateLimited, .invalidParameter, .missingKey, .unsupported, .unknownProvider, .credentials, .untrustedPlugin: true
        }
    }

    /// Reports a decision and keeps it in the dub's log, where `dub log` shows it after any display is gone.
    func record(_ id: Int64, _ message: String) throws {
        report("dub \(id): \(message)")
        try store.note(message, on: .dub, id: id)
    }

    func poll(_ dub: Dub, continuing: Bool = false) async throws -> Handoff? {
        let (id, jobID) = try Self.job(of: dub)
        try await sleepOnePollInterval()
        let state = try await provider.pollDub(jobID: jobID)
        switch state.status {
        case .error, .cancelled:
            throw Self.remoteFailure(state, provider: provider.descriptor.id)
        case .done:
            let used: (inout Dub) -> Void = { $0.creditsUsed = state.creditsUsed ?? $0.creditsRequired ?? 0 }
            guard continuing else { return Handoff(dub: try store.transitionDub(id, to: .finalizing, updating: used)) }
            let (stored, begun) = try store.transitionDub(id, to: .finalizing, updating: used,
                                                          beginning: Self.start(.download, jobID: jobID))
            return Handoff(dub: stored, begun: begun, seen: state)
        case .new, .uploading, .uploaded, .preprocessing, .preprocessed:
            throw ProviderError.remote(provider: provider.descriptor.id, status: nil, code: "job_went_back",
                                       message: "job \(jobID) reports '\(state.status.rawValue)' after generate was sent")
        case dub.status:
            return nil
        case let next where dub.status.canTransition(to: next):
            report("dub \(id): \(next.rawValue)")
            try store.transitionDub(id, to: next)
            return nil
        default:
            return nil
        }
    }

    func download(_ dub: Dub, begun: StageAttempt? = nil, seen: DubJobState? = nil) async throws -> Handoff? {
        let (id, jobID) = try Self.job(of: dub)
        let attempt = try begun ?? begin(.download, dub: id, jobID: jobID)
        // Downloaded into the media store's incoming folder and renamed under its hash once checked,
        // rather than copied there from a temporary folder.
        let temp = store.media.incoming.appendingPathComponent("result-\(UUID().uuidString)", isDirectory: false)
        do {
            try FileManager.default.createDirectory(at: store.media.incoming, withIntermediateDirectories: true)
        } catch {
            throw DubKitError.mediaIO(path: store.media.incoming.path, reason: error.localizedDescription)
        }
        var stored = false
        defer { if !stored { unlink(temp.path) } }
        try await provider.downloadDub(jobID: jobID, to: temp, seen: seen)
        // `done` promises audio that decodes: check before storing it.
        let info = try MediaProbe.probe(temp)
        guard !info.audioStreams.isEmpty else {
            throw ProviderError.remote(provider: provider.descriptor.id, status: nil, code: "result_not_audio",
                                       message: "the result of job \(jobID) has no audio stream")
        }
        let ref = try store.media.adopt(temp, flush: true)
        stored = true
        // How the result keeps to the source; a measurement that fails leaves the dub without one.
        // (A chunk gets none: its parent's joined track is compared with the whole source.)
        let sync = dub.parentID != nil ? nil : dub.sourceMediaHash.flatMap { source in
            try? SyncAnalyzer.compare(source: store.media.url(for: source), dubbed: store.media.url(for: ref.hash))
        }
        if let sync, sync.flagged {
            report("dub \(id): out of sync: segments drift up to \(sync.maxDriftMs) ms, length differs by \(sync.lengthDifferenceMs) ms")
        }
        let finished = try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .done, registering: [ref]) {
            $0.resultMediaHash = ref.hash
            $0.syncReport = sync
        }
        // Only once the dub is done: before, a download that must run again needs the provider's copy.
        do { try await provider.releaseDubResult(jobID: jobID) } catch {
            report("dub \(id): the provider kept its copy of the result: \(error.localizedDescription)")
        }
        report("dub \(id): done, \(ref.byteCount) bytes")
        return finished.map { Handoff(dub: $0) }
    }

    static func expect(_ state: DubJobState, _ status: DubStatus, stage: String, provider: String) throws {
        if state.status == .error || state.status == .cancelled { throw remoteFailure(state, provider: provider) }
        guard state.status == status else {
            throw ProviderError.remote(provider: provider, status: nil, code: "unexpected_status",
                                       message: "after \(stage), job \(state.jobID) is '\(state.status.rawValue)', not '\(status.rawValue)'")
        }
    }

    static func remoteFailure(_ state: DubJobState, provider: String) -> ProviderError {
        let failure = state.failure ?? FailureInfo(
            code: state.status == .cancelled ? "provider_cancelled" : "provider_error",
            message: state.status == .cancelled ? "the provider cancelled job \(state.jobID)" : "the provider reported an error for job \(state.jobID)")
        return .remote(provider: provider, status: nil, code: failure.code, message: failure.message)
    }
}
