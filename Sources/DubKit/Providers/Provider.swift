import Foundation

/// A voice-conversion service (or the local engine) as the lifecycles use it.
///
/// Every operation has a default that throws ``ProviderError/unsupported(provider:operation:)``, so a
/// provider implements only what its descriptor's capabilities promise. Synchronous services fit the
/// same steps: their `generate` does the work and their `pollDub` answers `done` at once.
public protocol Provider: Sendable {
    /// What it is and what it accepts.
    var descriptor: ProviderDescriptor { get }

    /// One page of the voices it offers.
    func voices(_ query: VoiceQuery) async throws -> VoicePage
    /// The account's remaining credits.
    func account() async throws -> ProviderAccount

    /// Creates the provider's dub job; nothing is paid yet.
    func createDub(_ request: DubJobRequest) async throws -> DubJobState
    /// Hands the job its input audio (a file in the media store).
    func uploadDub(jobID: String, audio: URL) async throws -> DubJobState
    /// The provider's own analysis; yields the input duration and the credits generate will cost.
    func preprocessDub(jobID: String) async throws -> DubJobState
    /// The paid step: starts the conversion.
    func generateDub(jobID: String) async throws -> DubJobState
    /// The paid step, telling `progress` the fraction done (0...1) while a provider that works in place
    /// converts; by default the plain ``generateDub(jobID:)``, which reports nothing.
    func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState
    /// Where the job stands now.
    func pollDub(jobID: String) async throws -> DubJobState
    /// Refuses a voice id whose form the provider would never accept (`cartesia:../x`, `kits:abc`), at
    /// `dub create` and `convert`, before anything is sent; by default any form passes.
    func checkVoice(_ voice: String) throws(ProviderError)
    /// The voices the provider has without asking anyone (the local engine's presets), offered as the
    /// nearest names when a voice is mistyped; empty by default.
    var builtInVoices: [String] { get }
    /// Whether the paid request of the job (generate), whose answer never came or whose runner stopped
    /// before recording it, reached the provider. By default the job is read: past `preprocessed`, it did;
    /// still `preprocessed`, it did not. A provider that keeps no job to read (it converts in the request)
    /// answers ``PaidRequestLookup/cannotTell(_:)``, and the dub waits for the user's leave to pay again.
    func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup
    /// Writes the converted audio of a finished job to `destination`.
    func downloadDub(jobID: String, to destination: URL) async throws
    /// Writes the converted audio of a finished job to `destination`, given the job as the core's last
    /// read of it found it (`seen`, nil when there was none in this run), so a provider whose answer
    /// carries where the result is (``DubJobState/resultURL``) need not read the job again; by default
    /// ``downloadDub(jobID:to:)``.
    func downloadDub(jobID: String, to destination: URL, seen: DubJobState?) async throws
    /// Tells the provider that the job's result is stored in the project (the dub is `done`), so what it
    /// keeps on this machine for the job (a copy of the result, records for resuming) can go; by
    /// default nothing happens.
    func releaseDubResult(jobID: String) async throws
    /// Asks the provider to stop a job; throws ``ProviderError/unsupported(provider:operation:)`` when it cannot.
    func cancelDub(jobID: String) async throws

    /// Creates a custom voice to be trained.
    func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState
    /// Uploads one dataset file to the voice.
    func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState
    /// The paid step: starts training.
    func trainVoice(voiceID: String) async throws -> VoiceJobState
    /// Where training stands now.
    func pollVoice(voiceID: String) async throws -> VoiceJobState
    /// Tells the provider that the voice is trained and recorded (`done`), so what it keeps on this
    /// machine for the training (records for resuming it) can go; by default nothing happens.
    func releaseVoiceTraining(voiceID: String) async throws

    /// The credits the account has left, read by the core before each paid call (generate, train) so
    /// that one the account cannot cover is refused before it is sent; nil (the default) when the
    /// provider does not say, and then nothing is checked.
    func balance() async throws -> Int64?

    /// The credits a dub of `seconds` of input with these parameters will cost, before the provider has
    /// said; by default the descriptor's ``Billing`` for the input's length. An adapter whose price
    /// depends on a parameter (the voice-convert service bills seconds of output) prices it here.
    func estimateCredits(seconds: Double, parameters: DubParameters) -> Int64
    /// The credits the paid training step of `request` will cost, checked against the budget before
    /// anything is created; by default 0 (the provider does not charge for training, or does not say).
    func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64
}

extension Provider {
    private func unsupported(_ operation: String) -> ProviderError {
        .unsupported(provider: descriptor.id, operation: operation)
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage { throw unsupported("listing voices") }
    public func account() async throws -> ProviderAccount { throw unsupported("account") }
    public func createDub(_ request: DubJobRequest) async throws -> DubJobState { throw unsupported("dubs") }
    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState { throw unsupported("dub upload") }
    public func preprocessDub(jobID: String) async throws -> DubJobState { throw unsupported("preprocess") }
    public func generateDub(jobID: String) async throws -> DubJobState { throw unsupported("generate") }
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await generateDub(jobID: jobID)
    }
    public func pollDub(jobID: String) async throws -> DubJobState { throw unsupported("dub status") }
    public func checkVoice(_ voice: String) throws(ProviderError) {}
    public var builtInVoices: [String] { [] }
    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        let state = try await pollDub(jobID: jobID)
        switch state.status {
        case .new, .uploading, .uploaded, .preprocessing, .preprocessed: return .notReceived
        default: return .received(state)
        }
    }
    public func downloadDub(jobID: String, to destination: URL) async throws { throw unsupported("dub download") }
    public func downloadDub(jobID: String, to destination: URL, seen: DubJobState?) async throws {
        try await downloadDub(jobID: jobID, to: destination)
    }
    public func releaseDubResult(jobID: String) async throws {}
    public func cancelDub(jobID: String) async throws { throw unsupported("cancelling a job") }
    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState { throw unsupported("training") }
    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState { throw unsupported("dataset upload") }
    public func trainVoice(voiceID: String) async throws -> VoiceJobState { throw unsupported("training") }
    public func pollVoice(voiceID: String) async throws -> VoiceJobState { throw unsupported("training status") }
    public func releaseVoiceTraining(voiceID: String) async throws {}
    public func balance() async throws -> Int64? { nil }
    public func estimateCredits(seconds: Double, parameters: DubParameters) -> Int64 {
        descriptor.billing.credits(forSeconds: seconds)
    }
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 { 0 }
}
