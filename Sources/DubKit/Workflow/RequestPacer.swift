import Foundation

/// Spaces one provider's requests so a batch stays under its request rate, and holds every request
/// back while the provider has asked to wait (a 429's Retry-After).
public actor RequestPacer {
    /// The least time between two requests, in seconds (0 = no spacing).
    public let spacing: Double
    private var nextSlot = ContinuousClock.now
    private var pausedUntil = ContinuousClock.now

    public init(requestsPerMinute: Int?) {
        spacing = requestsPerMinute.map { $0 > 0 ? 60 / Double($0) : 0 } ?? 0
    }

    /// Waits for this request's turn.
    public func take() async throws {
        let now = ContinuousClock.now
        let slot = max(now, nextSlot, pausedUntil)
        nextSlot = slot + .milliseconds(Int64(spacing * 1000))
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }

    /// Holds every request back for `seconds`.
    public func pause(_ seconds: Double) {
        let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        pausedUntil = max(pausedUntil, until)
    }
}

/// A provider whose every request waits its turn at a shared ``RequestPacer``: the dubs of a batch
/// share one per provider. It is the one place that paces a provider's work: every request keeps to
/// `requestsPerMinute` (and waits out a Retry-After), paid requests (generate, train) go one at a
/// time, `60 / submissionsPerMinute` s apart, when the descriptor sets that limit, and reads of one
/// job stay the poll interval apart (both ``IntervalGate``s).
public struct PacedProvider: Provider {
    public let base: any Provider
    public let pacer: RequestPacer
    /// Spaces the paid requests that start work at the provider (one key).
    public let submissions: IntervalGate
    /// Spaces the reads of each job (one key a job).
    public let polls: IntervalGate

    public init(_ base: any Provider, pacer: RequestPacer, submissions: IntervalGate = IntervalGate(interval: 0),
                polls: IntervalGate = IntervalGate(interval: 0)) {
        self.base = base
        self.pacer = pacer
        self.submissions = submissions
        self.polls = polls
    }

    /// `base` paced by its descriptor's limits, reads of one job `pollInterval` apart (the descriptor's
    /// minimum when nil; `DUBKIT_POLL_INTERVAL` shortens it for test and self-hosted servers).
    public init(_ base: any Provider, pollInterval: Double?) {
        let limits = base.descriptor.limits
        self.init(base, pacer: RequestPacer(requestsPerMinute: limits.requestsPerMinute),
                  submissions: IntervalGate(interval: limits.submissionsPerMinute.map { $0 > 0 ? 60 / Double($0) : 0 } ?? 0),
                  polls: IntervalGate(interval: pollInterval ?? base.descriptor.minimumPollInterval))
    }

    public var descriptor: ProviderDescriptor { base.descriptor }

    private func paced<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        try await pacer.take()
        do {
            return try await call()
        } catch let error as ProviderError {
            if let wait = error.retryAfter { await pacer.pause(wait) }
            throw error
        }
    }

    /// A request that waits its turn at `gate` under `key` (spaced from the previous one's end), then
    /// is paced like any request.
    private func gated<T: Sendable>(_ gate: IntervalGate, _ key: String, _ call: () async throws -> T) async throws -> T {
        // No interval, no turn to wait for: a provider without a submission limit runs its paid requests side by side.
        guard gate.interval > 0 else { return try await paced(call) }
        try await gate.enter(key)
        do {
            let value = try await paced(call)
            await gate.finished(key)
            return value
        } catch {
            await gate.finished(key)
            throw error
        }
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage { try await paced { try await base.voices(query) } }
    public func account() async throws -> ProviderAccount { try await paced { try await base.account() } }
    public func createDub(_ request: DubJobRequest) async throws -> DubJobState { try await paced { try await base.createDub(request) } }
    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await paced { try await base.uploadDub(jobID: jobID, audio: audio) }
    }
    public func preprocessDub(jobID: String) async throws -> DubJobState { try await paced { try await base.preprocessDub(jobID: jobID) } }
    public func generateDub(jobID: String) async throws -> DubJobState {
        try await gated(submissions, "paid") { try await base.generateDub(jobID: jobID) }
    }
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await gated(submissions, "paid") { try await base.generateDub(jobID: jobID, progress: progress) }
    }
    public func checkVoice(_ voice: String) throws(ProviderError) { try base.checkVoice(voice) }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await gated(polls, "dub-\(jobID)") { try await base.pollDub(jobID: jobID) }
    }
    /// Paced as a read of the job: it is one, at the services that keep jobs.
    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        try await gated(polls, "dub-\(jobID)") { try await base.lookUpGenerate(jobID: jobID) }
    }
    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await paced { try await base.downloadDub(jobID: jobID, to: destination) }
    }
    /// Not paced: it is housekeeping on this machine, no request to the service.
    public func releaseDubResult(jobID: String) async throws { try await base.releaseDubResult(jobID: jobID) }
    public func cancelDub(jobID: String) async throws { try await paced { try await base.cancelDub(jobID: jobID) } }
    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState { try await paced { try await base.createVoice(request) } }
    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        try await paced { try await base.uploadVoiceFile(voiceID: voiceID, file: file) }
    }
    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await gated(submissions, "paid") { try await base.trainVoice(voiceID: voiceID) }
    }
    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await gated(polls, "voice-\(voiceID)") { try await base.pollVoice(voiceID: voiceID) }
    }
    /// Not paced: housekeeping on this machine.
    public func releaseVoiceTraining(voiceID: String) async throws { try await base.releaseVoiceTraining(voiceID: voiceID) }
    public func estimateCredits(seconds: Double, parameters: DubParameters) -> Int64 {
        base.estimateCredits(seconds: seconds, parameters: parameters)
    }
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 { base.estimateTrainingCredits(request) }
}
