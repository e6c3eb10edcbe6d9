import DubKitHTTP
import Foundation
import Synchronization

/// A provider whose every request keeps to its limits, measured between the requests' actual sends:
/// the dubs of a batch share one per provider, and it is the one place that paces that provider's
/// work. Every request (each HTTP request, each attempt of a retried one, each call handed to an
/// external plugin) takes its turn at ``pacer`` (`requestsPerMinute`, and a Retry-After's pause);
/// paid calls (generate, train) go one at a time at ``submissions`` (`submissionsPerMinute`); reads
/// of one job go one at a time at ``polls`` (dubs) and ``trainingPolls`` (voices), the poll interval
/// apart, across processes when they are kept in the project's store. See docs/workflow.md.
public struct PacedProvider: Provider {
    public let base: any Provider
    /// Every request of the provider, one key: its turn ends when the request leaves.
    public let pacer: any RequestPacing
    /// The paid calls that start work at the provider, one key: a turn is the whole call.
    public let submissions: any RequestPacing
    /// The reads of each dub job, one key a job: a turn is the whole call.
    public let polls: any RequestPacing
    /// The reads of each voice training, one key a voice: a turn is the whole call.
    public let trainingPolls: any RequestPacing

    /// `base` paced by the given rules (unlimited submissions and polls when not given; trainings'
    /// reads as the dubs' when not given).
    public init(_ base: any Provider, pacer: any RequestPacing, submissions: any RequestPacing = RequestPacer(interval: 0),
                polls: any RequestPacing = RequestPacer(interval: 0), trainingPolls: (any RequestPacing)? = nil) {
        self.base = base
        self.pacer = pacer
        self.submissions = submissions
        self.polls = polls
        self.trainingPolls = trainingPolls ?? polls
    }

    /// `base` paced by its descriptor's limits, reads of one job `pollInterval` apart (see
    /// ``pollIntervals(of:given:)``) within this process.
    public init(_ base: any Provider, pollInterval: Double?) {
        let limits = base.descriptor.limits
        let (dubs, trainings) = Self.pollIntervals(of: base, given: pollInterval)
        self.init(base, pacer: RequestPacer(perMinute: limits.requestsPerMinute),
                  submissions: RequestPacer(perMinute: limits.submissionsPerMinute),
                  polls: RequestPacer(interval: dubs), trainingPolls: RequestPacer(interval: trainings))
    }

    /// `base` paced by its descriptor's limits, the reads of each job kept apart in `store` for every
    /// runner and process on the project (``SharedPacer``).
    public init(_ base: any Provider, store: any PaceStore, pollInterval: Double?) {
        let limits = base.descriptor.limits
        let (dubs, trainings) = Self.pollIntervals(of: base, given: pollInterval)
        let id = base.descriptor.id
        self.init(base, pacer: RequestPacer(perMinute: limits.requestsPerMinute),
                  submissions: RequestPacer(perMinute: limits.submissionsPerMinute),
                  polls: SharedPacer(store, provider: id, interval: dubs),
                  trainingPolls: SharedPacer(store, provider: id, interval: trainings))
    }

    /// `base` as a runner of `store` uses it: as handed over when it is paced already, else with the
    /// reads of each job kept apart in the store (``init(_:store:pollInterval:)``).
    public static func wrapping(_ base: any Provider, store: any PaceStore, pollInterval: Double?) -> PacedProvider {
        base as? PacedProvider ?? PacedProvider(base, store: store, pollInterval: pollInterval)
    }

    /// The seconds between two reads of one dub job and of one voice training: the provider's own when
    /// it was configured with them (``ConfiguredPolling``; `DUBKIT_POLL_INTERVAL` shortens those for
    /// test and self-hosted servers), else `given`, else the descriptor's minimum.
    public static func pollIntervals(of base: any Provider, given: Double?) -> (dubs: Double, trainings: Double) {
        let fallback = given ?? base.descriptor.minimumPollInterval
        let configured = base as? any ConfiguredPolling
        return (configured?.dubPollInterval ?? fallback, configured?.trainingPollInterval ?? fallback)
    }

    public var descriptor: ProviderDescriptor { base.descriptor }

    /// Runs `call` with its requests paced at ``pacer``; with a `gate` of a nonzero interval, the whole
    /// call is one turn of `key` there, which ends with the instant its last request left.
    private func paced<T: Sendable>(_ gate: (any RequestPacing)? = nil, _ key: String = "",
                                    _ call: () async throws -> T) async throws -> T {
        // No interval, no turn: a provider without a submission limit runs its paid requests side by side.
        let gate = gate.flatMap { $0.interval > 0 ? $0 : nil }
        let turn = try await gate?.take(key)
        let sends = CallSends(pacer: pacer)
        let rules = [pacer, submissions, polls, trainingPolls]
        do {
            let value = try await ServiceWait.$current.withValue(ServiceWait.Handler { wait in await Self.pause(rules, wait) }) {
                try await HTTPSendPacing.$current.withValue(sends) { try await call() }
            }
            if let gate, let turn { await gate.end(turn, lastSent: sends.lastLeft) }
            return value
        } catch {
            if let gate, let turn { await gate.end(turn, lastSent: sends.lastLeft) }
            if let wait = (error as? ProviderError)?.retryAfter { await Self.pause(rules, wait) }
            throw error
        }
    }

    /// Pauses every rule of the provider, whichever call was asked to wait: those kept in the store (a
    /// job's reads) hold back every process's turns of the provider.
    private static func pause(_ rules: [any RequestPacing], _ seconds: Double) async {
        for rule in rules { await rule.pause(seconds) }
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage { try await paced { try await base.voices(query) } }
    public func account() async throws -> ProviderAccount { try await paced { try await base.account() } }
    public func createDub(_ request: DubJobRequest) async throws -> DubJobState { try await paced { try await base.createDub(request) } }
    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await paced { try await base.uploadDub(jobID: jobID, audio: audio) }
    }
    public func preprocessDub(jobID: String) async throws -> DubJobState { try await paced { try await base.preprocessDub(jobID: jobID) } }
    public func generateDub(jobID: String) async throws -> DubJobState {
        try await paced(submissions, Self.paidKey) { try await base.generateDub(jobID: jobID) }
    }
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await paced(submissions, Self.paidKey) { try await base.generateDub(jobID: jobID, progress: progress) }
    }
    public func pollDub(jobID: String) async throws -> DubJobState {
        try await paced(polls, "dub-\(jobID)") { try await base.pollDub(jobID: jobID) }
    }
    /// Paced as a read of the job: it is one, at the services that keep jobs.
    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        try await paced(polls, "dub-\(jobID)") { try await base.lookUpGenerate(jobID: jobID) }
    }
    public func checkVoice(_ voice: String) throws(ProviderError) { try base.checkVoice(voice) }
    public var builtInVoices: [String] { base.builtInVoices }
    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await paced { try await base.downloadDub(jobID: jobID, to: destination) }
    }
    public func downloadDub(jobID: String, to destination: URL, seen: DubJobState?) async throws {
        try await paced { try await base.downloadDub(jobID: jobID, to: destination, seen: seen) }
    }
    public func balance() async throws -> Int64? { try await paced { try await base.balance() } }
    /// Not paced: it is housekeeping on this machine, no request to the service.
    public func releaseDubResult(jobID: String) async throws { try await base.releaseDubResult(jobID: jobID) }
    public func cancelDub(jobID: String) async throws { try await paced { try await base.cancelDub(jobID: jobID) } }
    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState { try await paced { try await base.createVoice(request) } }
    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        try await paced { try await base.uploadVoiceFile(voiceID: voiceID, file: file) }
    }
    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await paced(submissions, Self.paidKey) { try await base.trainVoice(voiceID: voiceID) }
    }
    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await paced(trainingPolls, "voice-\(voiceID)") { try await base.pollVoice(voiceID: voiceID) }
    }
    /// Not paced: housekeeping on this machine.
    public func releaseVoiceTraining(voiceID: String) async throws { try await base.releaseVoiceTraining(voiceID: voiceID) }
    public func estimateCredits(seconds: Double, parameters: DubParameters) -> Int64 {
        base.estimateCredits(seconds: seconds, parameters: parameters)
    }
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 { base.estimateTrainingCredits(request) }

    /// The key of the request rate's turns.
    static let requestKey = "request"
    /// The key of the paid calls' turns.
    static let paidKey = "paid"
}

/// The requests of one paced call: each takes a turn at the provider's request pacer, which ends when
/// the request leaves; the last instant one left is kept for the call's own turn.
final class CallSends: SendPacing {
    let pacer: any RequestPacing
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init(pacer: any RequestPacing) { self.pacer = pacer }

    /// When the call's last request left; nil when none did.
    var lastLeft: ContinuousClock.Instant? { last.withLock { $0 } }

    func turn() async throws -> any SendTurn {
        Turn(sends: self, turn: try await pacer.take(PacedProvider.requestKey))
    }

    private struct Turn: SendTurn {
        let sends: CallSends
        let turn: PacingTurn

        func left(at instant: ContinuousClock.Instant?) {
            if let instant { sends.last.withLock { $0 = max($0 ?? instant, instant) } }
            let pacer = sends.pacer
            let turn = turn
            Task { await pacer.end(turn, lastSent: instant) }
        }
    }
}
