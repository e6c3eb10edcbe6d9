import Crypto
import Foundation

/// Trains a project's custom voice from a dataset with its provider, through the voice lifecycle.
///
/// It continues from the voice's recorded status: the provider's voice id is stored right after it
/// is created, and a voice already training is polled, never submitted again.
public struct VoiceTrainer: Sendable {
    public let store: ProjectStore
    public let provider: any Provider
    public let pollInterval: Double
    public let report: @Sendable (String) -> Void

    public init(store: ProjectStore, provider: any Provider, pollInterval: Double? = nil,
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.provider = provider
        self.pollInterval = pollInterval ?? max(provider.descriptor.minimumPollInterval, 0.05)
        self.report = report
    }

    /// Creates the voice `name` for the dataset (or takes the existing one) and trains it to `done` or `error`.
    public func train(name: String, dataset: Dataset, maxMinutes: Int? = nil, separate: Bool = false) async throws -> Voice {
        let files = try store.files(of: dataset)
        guard !files.isEmpty else {
            throw DubKitError.invalidField(field: "dataset \(dataset.name)", value: "no files",
                                           allowed: "at least one file (`dubkit dataset add`)")
        }
        if let range = provider.descriptor.limits.datasetFiles, !range.contains(files.count) {
            throw ProviderError.invalidParameter(provider: provider.descriptor.id, field: "dataset files",
                                                 value: String(files.count), allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        let existing = try store.voices(provider: provider.descriptor.id).first { $0.name == name }
        var voice = try existing ?? store.createVoice(Voice(providerID: provider.descriptor.id, name: name, datasetID: dataset.id))
        guard let id = voice.id else { return voice }
        do {
            while !voice.status.isFinal && voice.status != .error {
                voice = try await step(voice, id: id, files: files, maxMinutes: maxMinutes, separate: separate)
            }
        } catch let error as ProviderError {
            voice = try store.transitionVoice(id, to: .error, failure: FailureInfo(code: error.code, message: error.localizedDescription))
        }
        return voice
    }

    private func step(_ voice: Voice, id: Int64, files: [DatasetFile], maxMinutes: Int?, separate: Bool) async throws -> Voice {
        switch voice.status {
        case .new:
            let created = try await provider.createVoice(VoiceJobRequest(
                name: voice.name, numberOfFiles: files.count, maxMinutes: maxMinutes, separate: separate))
            try store.write { db in
                try db.execute(sql: "UPDATE voice SET provider_voice_id = ?, dataset_hash = ? WHERE id = ?",
                               arguments: [created.voiceID, Self.datasetHash(files), id])
            }
            report("voice \(voice.reference): created at \(provider.descriptor.id)")
            return try store.transitionVoice(id, to: .uploading)
        case .uploading:
            let voiceID = try Self.providerID(voice)
            for (index, file) in files.enumerated() {
                report("voice \(voice.reference): uploading \(index + 1)/\(files.count) \(file.originalName)")
                _ = try await provider.uploadVoiceFile(voiceID: voiceID, file: store.media.url(for: file.mediaHash))
            }
            report("voice \(voice.reference): training")
            let state = try await provider.trainVoice(voiceID: voiceID)
            return try apply(state, to: id, from: .uploading, entering: .queued)
        case .queued, .starting, .processing, .finalizing:
            try await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
            return try apply(try await provider.pollVoice(voiceID: try Self.providerID(voice)), to: id, from: voice.status, entering: nil)
        case .done, .error:
            return voice
        }
    }

    /// Moves the voice along what the provider reported, by legal steps, storing what a finished voice brings.
    private func apply(_ state: VoiceJobState, to id: Int64, from current: VoiceStatus, entering first: VoiceStatus?) throws -> Voice {
        var status = current
        if let first {
            _ = try store.transitionVoice(id, to: first)
            status = first
        }
        switch state.status {
        case .error:
            return try store.transitionVoice(id, to: .error, failure: state.failure ?? FailureInfo(code: "provider_error", message: "training failed"))
        case .done:
            try store.write { db in
                try db.execute(sql: "UPDATE voice SET model_data = ?, credits_used = ? WHERE id = ?",
                               arguments: [state.voiceData.map(DubParameters.canonical), state.creditsUsed ?? 0, id])
            }
            if status != .finalizing { _ = try store.transitionVoice(id, to: .finalizing) }
            return try store.transitionVoice(id, to: .done, message: "trained")
        case let next where next != status && status.canTransition(to: next):
            return try store.transitionVoice(id, to: next)
        default:
            return try store.voice(id)
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
