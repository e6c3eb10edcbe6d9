import Crypto
import DubKitMedia
import Foundation

/// Advances one dub through its stages with its provider, recording every step in the store.
///
/// It continues from the dub's recorded status, so it can be run again after an interruption. The
/// paid step records its intent before the request; when a run finds an intent without an outcome,
/// it asks the provider where the job stands before deciding whether to submit again. Transient
/// failures (no answer, rate limits, server errors) are retried in place with a growing wait.
public struct DubRunner: Sendable {
    /// The project's store; while the runner advances a dub, fenced by its claim on the dub.
    public internal(set) var store: ProjectStore
    /// The provider, paced (``PacedProvider``): reads of a job stay the poll interval apart.
    public let provider: any Provider
    /// Seconds between two polls of a job (never below the provider's minimum unless overridden for tests).
    public let pollInterval: Double
    /// Called with one line per step, for progress output.
    public let report: @Sendable (String) -> Void
    /// The credit budget for this run; nil uses the project's default (and none when it has none).
    public let budget: Int64?
    /// The first wait after a transient failure, in seconds; it doubles with each failure in a row.
    public var retryDelay: Double = 2
    /// Transient failures in a row a dub survives before it ends in error.
    public var maxTransientFailures = 8
    /// Fetches a link dub's link (size cap, yt-dlp for pages, progress) in the upload stage.
    public let links: LinkDownloader
    /// Called with the fraction (0...1) of the generate step done, by providers that convert in place.
    public var progress: @Sendable (Double) -> Void
    /// The provider's job slots shared by the chunks of every dub run side by side (``DubBatch`` sets
    /// them); nil gives each chunked dub slots of its own.
    public var jobSlots: JobSlots?
    /// How long the runner's claim on a dub lasts without renewal, in seconds.
    public var leaseSeconds = LeaseSettings.defaultSeconds

    public init(store: ProjectStore, provider: any Provider, pollInterval: Double? = nil, budget: Int64? = nil,
                links: LinkDownloader = LinkDownloader(),
                report: @escaping @Sendable (String) -> Void = { _ in }, progress: @escaping @Sendable (Double) -> Void = { _ in }) {
        self.store = store
        // A provider a batch paced keeps its pacing; any other has the reads of its jobs kept apart
        // in the store, for every runner and process on the project (its other requests are not paced).
        self.provider = provider as? PacedProvider ?? PacedProvider(
            provider, pacer: RequestPacer(interval: 0),
            polls: SharedPacer(store, provider: provider.descriptor.id,
                               interval: PacedProvider.pollIntervals(of: provider, given: pollInterval).dubs))
        self.budget = budget
        self.links = links
        self.pollInterval = pollInterval ?? max(provider.descriptor.minimumPollInterval, 0.05)
        self.report = report
        self.progress = progress
    }

    /// Runs the dub until it is `done`, `error` or `cancelled` (or reaches one of `stops`); returns it
    /// as stored. The dub is claimed first and advanced only while the claim holds: every write is
    /// conditional on it. Throws ``DubKitError/claimedElsewhere(entity:id:holder:)`` (nothing done) when
    /// another live runner holds it, ``DubKitError/claimLost(entity:id:fence:holder:)`` when its claim
    /// was taken over meanwhile (the refused write is noted in the dub's log), and
    /// ``DubKitError/budgetExceeded(dub:required:committed:budget:)`` (leaving the dub `preprocessed`)
    /// when generating it would cross the budget.
    @discardableResult
    public func run(_ id: Int64, until stops: Set<DubStatus> = []) async throws -> Dub {
        let current = try store.dub(id)
        if current.status.isFinal || current.status == .error || stops.contains(current.status) { return current }
        do {
            return try await holding(.dub(id)) { runner in try await runner.advance(id, until: stops) }
        } catch let error as DubKitError {
            if case let .claimLost(_, _, fence, holder) = error {
                // `dub cancel` takes the claim to stop the dub: that is no loss to report.
                if let now = try? store.dub(id), now.status == .cancelled { return now }
                let message = "this runner (\(RunnerIdentity.current.description), fence \(fence)) lost its claim"
                    + (holder.map { " to \($0.runner.description) (fence \($0.fence))" } ?? "")
                    + "; its write was refused and it stopped working on the dub"
                report("dub \(id): \(message)")
                try? store.unfenced.note(message, on: .dub, id: id)
            }
            throw error
        }
    }

    /// Runs the dub's stages, holding its claim (``run(_:until:)``).
    private func advance(_ id: Int64, until stops: Set<DubStatus>) async throws -> Dub {
        var retry = TransientRetry(delay: retryDelay, limit: maxTransientFailures)
        // The dub as the stage just run stored it (read back in the transaction that ended the stage);
        // nil after anything else, and then it is read from the store, whose state is the truth.
        var handed: Handoff?
        while true {
            let dub = try handed?.dub ?? store.dub(id)
            let begun = handed?.begun
            let seen = handed?.seen
            handed = nil
            do {
                switch dub.status {
                case .done, .error, .cancelled: return dub
                case _ where stops.contains(dub.status): return dub
                case _ where dub.isChunked: try await advanceChunked(dub)
                case .new, .uploading:
                    handed = try await upload(dub, continuing: !stops.contains(.uploaded) && !stops.contains(.preprocessing))
                case .uploaded, .preprocessing: handed = try await preprocess(dub, begun: begun?.stage == .preprocess ? begun : nil)
                case .preprocessed: handed = try await generate(dub)
                case .queued, .starting, .processing: handed = try await poll(dub, continuing: !stops.contains(.finalizing))
                case .finalizing: handed = try await download(dub, begun: begun?.stage == .download ? begun : nil, seen: seen)
                }
                retry.succeeded()
            } catch let error as ProviderError {
                guard let wait = retry.wait(after: error) else {
                    try fail(id, FailureInfo(code: error.code, message: retry.message(error)))
                    continue
                }
                report("dub \(id): \(retry.note(error, wait: wait))")
                try await Task.sleep(nanoseconds: UInt64(max(wait, 0) * 1_000_000_000))
            } catch let error as MediaError {
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            } catch let error as LinkError {
                try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
            } catch let error as DubKitError {
                switch error {
                case .illegalTransition:
                    // `dub cancel` from another process moves the dub under us: stop quietly.
                    let now = try store.dub(id)
                    if now.status == .cancelled { return now }
                    throw error
                case .budgetExceeded, .claimLost, .claimedElsewhere: throw error
                default: try fail(id, FailureInfo(code: error.code, message: error.localizedDescription))
                }
            }
        }
    }

    func fail(_ id: Int64, _ failure: FailureInfo) throws {
        report("dub \(id): error \(failure.code): \(failure.message)")
        let current = try store.dub(id)
        if current.status == .cancelled || current.status == .error { return }
        if let running = try StageAttempt.Stage.allCases.compactMap({ try store.lastAttempt($0, dub: id) })
            .first(where: { $0.outcome == .running }) {
            try store.finishStage(running, outcome: .failed, failure: failure, then: .error)
        } else {
            try store.transitionDub(id, to: .error, failure: failure)
        }
    }

    /// What a stage hands the next one: the dub as the transaction that ended the stage left it,
    /// when that transaction also began the next stage, its attempt, and the provider's job as the
    /// stage last read it (the download starts from the read that found the job done).
    struct Handoff {
        var dub: Dub
        var begun: StageAttempt?
        var seen: DubJobState?
    }

    /// Starts an attempt at `stage`, first closing one a crash or a transient failure left running
    /// (and moving the dub to `next`, when given), in one transaction.
    func begin(_ stage: StageAttempt.Stage, dub id: Int64, jobID: String?, moving next: DubStatus? = nil) throws -> StageAttempt {
        try store.beginStage(stage, dub: id, jobID: jobID, closing: Self.interrupted, moving: next)
    }

    /// The start of `stage` in the transaction that ends the stage before it, as ``begin(_:dub:jobID:moving:)`` records it.
    static func start(_ stage: StageAttempt.Stage, jobID: String?, moving next: DubStatus? = nil) -> ProjectStore.StageStart {
        ProjectStore.StageStart(stage: stage, jobID: jobID, moving: next, closing: interrupted)
    }

    /// What an attempt a crash or a transient failure left running is closed with.
    static let interrupted = FailureInfo(code: "interrupted", message: "cut off; tried again")

    func sleepOnePollInterval() async throws {
        try await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
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
        return MediaStore.hex(SHA256.hash(data: Data(text.utf8)))
    }
}
