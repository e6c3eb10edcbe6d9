import Crypto
import Foundation

/// Trains a project's custom voice from a dataset with its provider, through the voice lifecycle.
///
/// It continues from the voice's recorded status: the provider's voice id is stored right after it
/// is created, the paid training request checks the budget and records its intent (with its cost) in
/// one transaction first, and a request whose answer never came is looked up at the provider before
/// it is sent again. Transient failures are retried in place.
public struct VoiceTrainer: Sendable {
    /// The project's store; while the trainer advances a voice, fenced by its claim on the voice.
    public internal(set) var store: ProjectStore
    /// The provider, paced (``PacedProvider``): reads of the voice stay the poll interval apart.
    public let provider: any Provider
    public let pollInterval: Double
    /// The credit budget; nil uses the project's default (and none when it has none).
    public let budget: Int64?
    public let report: @Sendable (String) -> Void
    /// The first wait after a transient failure, in seconds; it doubles with each failure in a row.
    public var retryDelay: Double = 2
    /// Transient failures in a row a training survives before it ends in error.
    public var maxTransientFailures = 8
    /// How long the trainer's claim on a voice lasts without renewal, in seconds.
    public var leaseSeconds = LeaseSettings.defaultSeconds

    public init(store: ProjectStore, provider: any Provider, pollInterval: Double? = nil, budget: Int64? = nil,
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.provider = PacedProvider.wrapping(provider, store: store, pollInterval: pollInterval)
        self.pollInterval = pollInterval ?? max(provider.descriptor.minimumPollInterval, 0.05)
        self.budget = budget
        self.report = report
    }

    /// Creates the voice `name` for the dataset (or takes the existing one) and trains it to `done` or `error`;
    /// `parameters` are the provider's own training parameters, checked against its descriptor first.
    /// A new training that the budget cannot hold is refused before anything is created.
    public func train(name: String, dataset: Dataset, maxMinutes: Int? = nil, separate: Bool = false,
                      parameters: DubParameters = .empty) async throws -> Voice {
        let files = try checkedFiles(of: dataset)
        let existing = try store.voices(provider: provider.descriptor.id).first { $0.name == name }
        if existing == nil {
            try provider.descriptor.validateTraining(parameters: parameters)
            let errors = DatasetValidator(descriptor: provider.descriptor, trainingMinutes: maxMinutes)
                .problems(files, dataset: dataset.name).filter { $0.severity == .error }
            if !errors.isEmpty {
                throw DubKitError.datasetInvalid(dataset: dataset.name, provider: provider.descriptor.id, problems: errors.map(\.line))
            }
            let request = VoiceJobRequest(name: name, numberOfFiles: files.count, maxMinutes: maxMinutes, separate: separate,
                                          parameters: parameters)
            try store.checkTrainingBudget(voice: "\(provider.descriptor.id):\(name)",
                                          required: provider.estimateTrainingCredits(request), budget: budget)
        }
        let voice = try existing ?? store.createVoice(Voice(
            providerID: provider.descriptor.id, name: name, datasetID: dataset.id, maxMinutes: maxMinutes, separate: separate,
            trainingParameters: parameters.values.isEmpty ? nil : parameters))
        guard let id = voice.id else { return voice }
        if existing == nil {
            try store.recordDatasetHash(Self.datasetHash(files), voice: id)
        }
        return try await run(id)
    }

    /// Continues voice `id` from its recorded status until it is `done` or `error`, holding its claim:
    /// a voice another live runner trains is left to it (``DubKitError/claimedElsewhere(entity:id:holder:)``).
    @discardableResult
    public func run(_ id: Int64) async throws -> Voice {
        let current = try store.voice(id)
        if current.status == .error { return current }
        let trainer = self
        return try await store.unfenced.withClaim(.voice(id), leaseSeconds: leaseSeconds) { fenced in
            var claimed = trainer
            claimed.store = fenced
            return try await claimed.advance(id)
        }
    }

    /// Runs the voice's stages, holding its claim (``run(_:)``).
    private func advance(_ id: Int64) async throws -> Voice {
        var retry = TransientRetry(delay: retryDelay, limit: maxTransientFailures)
        while true {
            let voice = try store.voice(id)
            do {
                switch voice.status {
                case .done:
                    await release(voice)
                    return voice
                case .error: return voice
                case .new: try await create(voice, id: id)
                case .uploading: try await uploadAndTrain(voice, id: id)
                case .queued, .starting, .processing, .finalizing:
                    try await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
                    try apply(try await provider.pollVoice(voiceID: try Self.providerID(voice)), to: voice)
                }
                retry.succeeded()
            } catch let error as ProviderError {
                guard let wait = retry.wait(after: error) else {
                    try fail(id, FailureInfo(code: error.code, message: retry.message(error)))
                    continue
                }
                report("voice \(voice.reference): \(retry.note(error, wait: wait))")
                try await Task.sleep(nanoseconds: UInt64(max(wait, 0) * 1_000_000_000))
            }
        }
    }

    /// The voice is done: the provider may drop what it kept for the training (again, harmlessly, when
    /// a done voice is run again); a failure to is said, not thrown (the voice is trained all the same).
    private func release(_ voice: Voice) async {
        guard let voiceID = voice.providerVoiceID else { return }
        do { try await provider.releaseVoiceTraining(voiceID: voiceID) } catch {
            report("voice \(voice.reference): the provider kept its training records: \(error.localizedDescription)")
        }
    }

    private func checkedFiles(of dataset: Dataset) throws -> [DatasetFile] {
        let files = try store.files(of: dataset)
        guard !files.isEmpty else {
            throw DubKitError.invalidField(field: "dataset \(dataset.name)", value: "no files",
                                           allowed: "at least one file (`dubkit dataset add`)")
        }
        if let range = provider.descriptor.limits.datasetFiles, !range.contains(files.count) {
            throw ProviderError.invalidParameter(provider: provider.descriptor.id, field: "dataset files",
                                                 value: String(files.count), allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return files
    }

    private func files(of voice: Voice) throws -> [DatasetFile] {
        guard let datasetID = voice.datasetID else {
            throw DubKitError.invalidField(field: "voice \(voice.reference) dataset", value: "none",
                                           allowed: "the dataset it is trained from (it was deleted?)")
        }
        return try checkedFiles(of: try store.dataset(id: datasetID))
    }

    private func create(_ voice: Voice, id: Int64) async throws {
        if voice.providerVoiceID == nil {
            let files = try files(of: voice)
            let created = try await provider.createVoice(VoiceJobRequest(
                name: voice.name, numberOfFiles: files.count, maxMinutes: voice.maxMinutes, separate: voice.separate,
                parameters: voice.trainingParameters ?? .empty))
            try store.recordProviderVoice(created.voiceID, creditsRequired: created.creditsRequired, voice: id)
            report("voice \(voice.reference): created at \(provider.descriptor.id)")
        }
        _ = try store.transitionVoice(id, to: .uploading)
    }

    private func uploadAndTrain(_ voice: Voice, id: Int64) async throws {
        let voiceID = try Self.providerID(voice)
        if let earlier = try store.lastAttempt(.train, voice: id), earlier.outcome == .running {
            // An interrupted request, or one whose answer never came: look before paying again.
            let state = try await provider.pollVoice(voiceID: voiceID)
            if state.status != .new && state.status != .uploading {
                try record(voice, "the outcome of training attempt \(earlier.attempt) was unknown; looked voice \(voiceID) up at "
                           + "\(provider.descriptor.name): it is \(state.status.rawValue), so the request had reached it and is not sent again")
                try store.finishStage(earlier, outcome: .succeeded, thenVoice: .queued)
                try apply(state, to: try store.voice(id))
                return
            }
            try record(voice, "looked voice \(voiceID) up at \(provider.descriptor.name) before sending the training request "
                       + "again: it is still \(state.status.rawValue), so attempt \(earlier.attempt) never took effect")
            try store.finishStage(earlier, outcome: .failed,
                                  failure: FailureInfo(code: "interrupted", message: "never reached the provider"), thenVoice: nil)
        }
        let files = try files(of: voice)
        // The budget check and the intent, in one transaction, before anything more is sent.
        let required = voice.creditsRequired ?? provider.estimateTrainingCredits(VoiceJobRequest(
            name: voice.name, numberOfFiles: files.count, maxMinutes: voice.maxMinutes, separate: voice.separate,
            parameters: voice.trainingParameters ?? .empty))
        let attempt = try store.beginTraining(voice: id, required: required, budget: budget, jobID: voiceID)
        for (index, file) in files.enumerated() {
            report("voice \(voice.reference): uploading \(index + 1)/\(files.count) \(file.originalName)")
            _ = try await provider.uploadVoiceFile(voiceID: voiceID, file: store.media.url(for: file.mediaHash))
        }
        try await CreditCheck.cover(required, at: provider, for: "training of voice \(voiceID)")
        report("voice \(voice.reference): training (\(required) credits)")
        let state = try await provider.trainVoice(voiceID: voiceID)
        if let note = state.note { try record(voice, note) }
        try store.finishStage(attempt, outcome: .succeeded, thenVoice: .queued)
        try apply(state, to: try store.voice(id))
    }

    /// Reports a decision and keeps it in the voice's log.
    private func record(_ voice: Voice, _ message: String) throws {
        report("voice \(voice.reference): \(message)")
        if let id = voice.id { try store.note(message, on: .voice, id: id) }
    }

    private func fail(_ id: Int64, _ failure: FailureInfo) throws {
        report("voice \(id): error \(failure.code): \(failure.message)")
        if let running = try store.lastAttempt(.train, voice: id), running.outcome == .running {
            try store.finishStage(running, outcome: .failed, failure: failure, thenVoice: .error)
        } else if try store.voice(id).status != .error {
            _ = try store.transitionVoice(id, to: .error, failure: failure)
        }
    }

    /// Moves the voice along what the provider reported, by legal steps, storing what a finished voice brings.
    private func apply(_ state: VoiceJobState, to voice: Voice) throws {
        guard let id = voice.id else { return }
        switch state.status {
        case .error:
            try fail(id, state.failure ?? FailureInfo(code: "provider_error", message: "the provider reported that training failed"))
        case .done:
            // What the provider says it charged, else what the training was to cost.
            let used: Int64 = state.creditsUsed ?? voice.creditsRequired ?? 0
            try store.recordTrainingResult(modelData: state.voiceData.map(DubParameters.canonical), creditsUsed: used, voice: id)
            if voice.status != .finalizing { _ = try store.transitionVoice(id, to: .finalizing) }
            _ = try store.transitionVoice(id, to: .done, message: "trained")
            report("voice \(voice.reference): done")
        case let next where next != voice.status && voice.status.canTransition(to: next):
            report("voice \(voice.reference): \(next.rawValue)")
            _ = try store.transitionVoice(id, to: next)
        default:
            break
        }
    }

    private static func providerID(_ voice: Voice) throws -> String {
        guard let id = voice.providerVoiceID else {
            throw DubKitError.invalidField(field: "voice \(voice.reference) providerVoiceID", value: "none",
                                           allowed: "the id recorded when the provider created the voice")
        }
        return id
    }

    /// SHA-256 over the sorted hashes of the dataset's files: which recordings a voice was trained on.
    static func datasetHash(_ files: [DatasetFile]) -> String {
        SHA256.hash(data: Data(files.map(\.mediaHash).sorted().joined(separator: "\n").utf8))
            .map { String(format: "%02x", $0) }.joined()
    }
}
