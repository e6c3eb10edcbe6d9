import Crypto
import DubKitMedia
import Foundation

/// Advances one dub through its stages with its provider, recording every step in the store.
///
/// It continues from the dub's recorded status, so it can be run again after an interruption. The
/// paid step records its intent before the request; when a run finds an intent without an outcome,
/// it asks the provider where the job stands before deciding whether to submit again.
public struct DubRunner: Sendable {
    public let store: ProjectStore
    public let provider: any Provider
    /// Seconds between two polls of a job (never below the provider's minimum unless overridden for tests).
    public let pollInterval: Double
    /// Called with one line per step, for progress output.
    public let report: @Sendable (String) -> Void
    /// The credit budget for this run; nil uses the project's default (and none when it has none).
    public let budget: Int64?
    /// Fetches a link dub's link (size cap, yt-dlp for pages, progress) in the upload stage.
    public let links: LinkDownloader

    public init(store: ProjectStore, provider: any Provider, pollInterval: Double? = nil, budget: Int64? = nil,
                links: LinkDownloader = LinkDownloader(),
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.provider = provider
        self.budget = budget
        self.links = links
        self.pollInterval = pollInterval ?? max(provider.descriptor.minimumPollInterval, 0.05)
        self.report = report
    }

    /// Runs the dub until it is `done` or `error`; returns it as stored. Throws
    /// ``DubKitError/budgetExceeded(dub:required:committed:budget:)`` (leaving the dub `preprocessed`)
    /// when generating it would cross the budget.
    @discardableResult
    public func run(_ id: Int64) async throws -> Dub {
        while true {
            let dub = try store.dub(id)
            do {
                switch dub.status {
                case .done, .error: return dub
                case .new, .uploading: try await upload(dub)
                case .uploaded, .preprocessing: try await preprocess(dub)
                case .preprocessed: try await generate(dub)
                case .queued, .starting, .processing: try await poll(dub)
                case .finalizing: try await download(dub)
                }
            } catch let error as ProviderError {
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            } catch let error as MediaError {
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            } catch let error as LinkError {
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            } catch let error as DubKitError {
                switch error {
                case .illegalTransition, .budgetExceeded: throw error
                default: break
                }
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            }
        }
    }

    private func fail(_ id: Int64, _ failure: FailureInfo) throws {
        report("dub \(id): error \(failure.code): \(failure.message)")
        if let running = try StageAttempt.Stage.allCases.compactMap({ try store.lastAttempt($0, dub: id) })
            .first(where: { $0.outcome == .running }) {
            try store.finishStage(running, outcome: .failed, failure: failure, then: .error)
        } else {
            try store.transitionDub(id, to: .error, failure: failure)
        }
    }

    private func upload(_ dub: Dub) async throws {
        guard let id = dub.id else { return }
        if dub.status == .new { try store.transitionDub(id, to: .uploading) }
        let attempt = try store.beginStage(.upload, dub: id, jobID: dub.providerJobID)
        let source = try await sourceFile(of: dub, id: id)
        report("dub \(id): extracting the audio of \(dub.sourceKind == .link ? "the link's file" : dub.source)")
        let audio = try await store.media.importAudio(from: source, sampleRate: 44_100)
        let ref = audio.ref
        try store.write { db in try MediaStore.register(ref, in: db) }
        try store.updateDub(id) { $0.sourceMediaHash = ref.hash }
        var jobID = dub.providerJobID
        if jobID == nil {
            let custom = try store.voices(provider: dub.providerID).first { $0.name == dub.voiceRef && $0.status == .done }
            let created = try await provider.createDub(DubJobRequest(
                voice: custom?.providerVoiceID ?? dub.voiceRef, pitchShift: dub.pitchShift, separate: dub.separate,
                parameters: dub.parameters, link: dub.sourceKind == .link ? dub.source : nil,
                voiceData: custom?.modelDataValue))
            jobID = created.jobID
            try store.updateDub(id) { $0.providerJobID = created.jobID }
        }
        guard let jobID else { return }
        // Resuming: the provider may have the audio already from the interrupted run.
        if dub.providerJobID != nil, try await provider.pollDub(jobID: jobID).status != .new {
            report("dub \(id): the provider already has the audio")
        } else {
            report("dub \(id): uploading \(ref.byteCount) bytes")
            _ = try await provider.uploadDub(jobID: jobID, audio: store.media.url(for: ref.hash))
        }
        try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .uploaded)
    }

    /// The local file a dub's audio comes from: its path, or for a link the file the link delivered,
    /// downloaded once and recorded on the dub (a rerun finds it in the media store).
    private func sourceFile(of dub: Dub, id: Int64) async throws -> URL {
        guard dub.sourceKind == .link else { return URL(fileURLWithPath: dub.source) }
        if let hash = dub.linkMediaHash, store.media.contains(hash) {
            report("dub \(id): using the link's stored download \(hash.prefix(12)), not downloading again")
            return store.media.url(for: hash)
        }
        let link = try MediaLink(dub.source)
        report("dub \(id): downloading \(link)")
        let downloaded = try await links.download(link, into: store.media)
        try store.recordLinkDownload(downloaded, dub: id)
        report("dub \(id): downloaded \(downloaded.ref.byteCount) bytes, sha256 \(downloaded.ref.hash)")
        return store.media.url(for: downloaded.ref.hash)
    }

    private func preprocess(_ dub: Dub) async throws {
        let (id, jobID) = try Self.job(of: dub)
        var resumed: DubJobState?
        if dub.status == .uploaded {
            try store.transitionDub(id, to: .preprocessing)
        } else {
            // Resuming: the interrupted request may have reached the provider.
            let seen = try await provider.pollDub(jobID: jobID)
            if seen.status == .preprocessed { resumed = seen }
        }
        let attempt = try store.beginStage(.preprocess, dub: id, jobID: jobID)
        let state: DubJobState
        if let resumed {
            state = resumed
        } else {
            state = try await provider.preprocessDub(jobID: jobID)
        }
        try store.updateDub(id) {
            $0.inputDurationMs = state.inputDurationMs
            $0.creditsRequired = state.creditsRequired
                ?? state.inputDurationMs.map { provider.descriptor.billing.credits(forSeconds: Double($0) / 1000) }
        }
        try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .preprocessed)
        report("dub \(id): preprocessed, \(state.creditsRequired.map(String.init) ?? "?") credits")
    }

    private func generate(_ dub: Dub) async throws {
        let (id, jobID) = try Self.job(of: dub)
        let fingerprint = Self.fingerprint(dub)
        if let pending = try store.lastAttempt(.generate, dub: id), pending.outcome == .running {
            let state = try await provider.pollDub(jobID: jobID)
            if state.status != .preprocessed {
                report("dub \(id): an earlier generate reached the provider (now \(state.status.rawValue)); not sending it again")
                try store.finishStage(pending, outcome: .succeeded, jobID: jobID, then: .queued)
                return
            }
            try store.finishStage(pending, outcome: .failed, failure: FailureInfo(code: "interrupted", message: "never reached the provider"))
        }
        if let limit = try budget ?? store.info().budgetCredits {
            let required = dub.creditsRequired ?? 0
            let committed = try store.committedCredits()
            if committed + required > limit {
                throw DubKitError.budgetExceeded(dub: id, required: required, committed: committed, budget: limit)
            }
        }
        let attempt = try store.beginStage(.generate, dub: id, fingerprint: fingerprint, jobID: jobID)
        let state = try await provider.generateDub(jobID: jobID)
        try store.finishStage(attempt, outcome: .succeeded, jobID: state.jobID, then: .queued)
        report("dub \(id): generating")
    }

    private func poll(_ dub: Dub) async throws {
        let (id, jobID) = try Self.job(of: dub)
        try await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
        let state = try await provider.pollDub(jobID: jobID)
        switch state.status {
        case .error:
            try fail(id, state.failure ?? FailureInfo(code: "provider_error", message: "the provider reported an error"))
        case .done:
            try store.updateDub(id) { $0.creditsUsed = state.creditsUsed ?? $0.creditsRequired ?? 0 }
            try store.transitionDub(id, to: .finalizing)
        case dub.status:
            break
        case let next where dub.status.canTransition(to: next):
            report("dub \(id): \(next.rawValue)")
            try store.transitionDub(id, to: next)
        default:
            break
        }
    }

    private func download(_ dub: Dub) async throws {
        let (id, jobID) = try Self.job(of: dub)
        let attempt = try store.beginStage(.download, dub: id, jobID: jobID)
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("dubkit-result-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        try await provider.downloadDub(jobID: jobID, to: temp)
        let ref = try store.media.put(contentsOf: temp)
        try store.write { db in try MediaStore.register(ref, in: db) }
        try store.updateDub(id) { $0.resultMediaHash = ref.hash }
        try store.finishStage(attempt, outcome: .succeeded, jobID: jobID, then: .done)
        report("dub \(id): done, \(ref.byteCount) bytes")
    }

    /// The dub's id and provider job; a dub past upload without a job cannot go on, and ends in error
    /// rather than being run in a loop.
    static func job(of dub: Dub) throws -> (Int64, String) {
        guard let id = dub.id, let jobID = dub.providerJobID else {
            throw DubKitError.invalidField(field: "dub \(dub.id ?? 0) providerJobID", value: "none",
                                           allowed: "the job id recorded by the upload stage")
        }
        return (id, jobID)
    }

    /// A hash of what the paid request asks for, recorded with its intent.
    static func fingerprint(_ dub: Dub) -> String {
        let text = [dub.providerID, dub.voiceRef, String(dub.pitchShift), String(dub.separate), dub.parameters.json,
                    dub.sourceMediaHash ?? dub.source].joined(separator: "\u{1f}")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
