import DubKit
import DubKitProviderKit
import DubKitMedia
import DubKitVoiceDSP
import Foundation

/// The embedded default provider: converts and trains offline with the local engine.
///
/// It fits the same steps as a remote service: jobs are files in `stateFolder`, `generate` converts
/// (on a thread of its own) and `poll` then answers `done`; training measures a profile of the dataset,
/// handed back as the voice's model data.
public struct LocalProvider: Provider, VoiceModelChecking {
    public let descriptor = LocalDescriptor.value
    private let jobs: LocalJobFolder

    /// A local provider keeping its jobs in `stateFolder`.
    public init(stateFolder: URL) {
        jobs = LocalJobFolder(folder: stateFolder)
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        let search = query.search?.lowercased() ?? ""
        let voices = BuiltInVoices.names.filter { search.isEmpty || $0.contains(search) }
            .map { ProviderVoice(id: $0, name: $0.capitalized, styles: ["speaking"]) }
        return VoicePage(voices: voices, nextCursor: nil)
    }

    public func account() async throws -> ProviderAccount { ProviderAccount(credits: nil) }

    public var builtInVoices: [String] { BuiltInVoices.names }

    /// Only the presets pass here: a voice trained in the project is found there before this is asked.
    public func checkVoice(_ voice: String) throws(ProviderError) {
        guard BuiltInVoices.profile(named: voice) == nil else { return }
        throw .invalidParameter(provider: "local", field: "voice", value: voice,
                                allowed: "a built-in voice (\(BuiltInVoices.names.joined(separator: ", "))) or one trained in the project")
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        let profile: VoiceProfile
        if let data = request.voiceData {
            // A trained voice's model is read from the project: a damaged one fails this dub, naming the field.
            do {
                profile = try VoiceProfile.checked(data, voice: "local:\(request.voice)")
            } catch {
                throw ProviderError.remote(provider: "local", status: nil, code: "invalid_voice_model",
                                           message: error.errorDescription ?? "the voice's model is damaged")
            }
        } else if let builtIn = BuiltInVoices.profile(named: request.voice) {
            profile = builtIn
        } else {
            throw ProviderError.remote(
                provider: "local", status: nil, code: "voice_not_found",
                message: "no local voice '\(request.voice)': built-in voices are \(BuiltInVoices.names.joined(separator: ", ")), or train one with `dubkit voice train --provider local`")
        }
        let values = request.parameters.values
        func number(_ key: String, _ fallback: Double) -> Double {
            if case let .number(value)? = values[key] { return value }
            return fallback
        }
        let settings = ConversionSettings(
            pitchShift: Double(request.pitchShift), conversionStrength: number("conversionStrength", 1),
            modelVolumeMix: number("modelVolumeMix", 0), denoise: values["denoise"] == .bool(true))
        let job = LocalJob(id: UUID().uuidString.lowercased(), status: "new", voice: request.voice, profile: profile, settings: settings)
        try jobs.save(job)
        return state(job)
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        var job = try jobs.load(jobID)
        job.input = audio.path
        job.status = "uploaded"
        try jobs.save(job)
        return state(job)
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        var job = try jobs.load(jobID)
        guard let input = job.input else { throw notReady(job, "has no audio yet") }
        let seconds = try MediaProbe.probe(URL(fileURLWithPath: input)).durationSeconds ?? 0
        job.inputDurationMs = Int64((seconds * 1000).rounded())
        job.status = "preprocessed"
        try jobs.save(job)
        return state(job)
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await generateDub(jobID: jobID) { _ in }
    }

    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        var job = try jobs.load(jobID)
        guard let input = job.input, let profile = job.profile else { throw notReady(job, "is not preprocessed") }
        let output = jobs.folder.appendingPathComponent("\(job.id)-out.wav")
        let settings = job.settings ?? ConversionSettings()
        do {
            try profile.validate(voice: "local:\(job.voice)")
            _ = try await Self.offPool {
                try VoiceConverter.convert(input: URL(fileURLWithPath: input), output: output, target: profile, settings: settings,
                                           progress: progress)
            }
            job.output = output.path
            job.status = "done"
        } catch {
            job.status = "error"
            job.failure = FailureInfo(code: "local_conversion_failed", message: error.localizedDescription)
        }
        try jobs.save(job)
        return state(job)
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        state(try jobs.load(jobID))
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        let job = try jobs.load(jobID)
        guard let output = job.output else { throw notReady(job, "has no result (it is deleted once its dub has stored it)") }
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: output), to: destination)
    }

    /// Deletes the converted WAV the job left in the state folder once the dub has stored it.
    public func releaseDubResult(jobID: String) async throws {
        var job = try jobs.load(jobID)
        guard let output = job.output else { return }
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        job.output = nil
        try jobs.save(job)
    }

    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState {
        let job = LocalJob(id: UUID().uuidString.lowercased(), status: "new", voice: request.name)
        try jobs.save(job)
        return VoiceJobState(voiceID: job.id, status: .new)
    }

    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        var job = try jobs.load(voiceID)
        if !job.files.contains(file.path) { job.files.append(file.path) }
        job.status = "uploading"
        try jobs.save(job)
        return VoiceJobState(voiceID: job.id, status: .uploading)
    }

    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        var job = try jobs.load(voiceID)
        let files = job.files.map { URL(fileURLWithPath: $0) }
        do {
            let profile = try await Self.offPool { try VoiceAnalyzer.profile(of: files) }
            try profile.validate(voice: "local:\(job.voice)")
            job.profile = profile
            job.status = "done"
        } catch {
            job.status = "error"
            job.failure = FailureInfo(code: "local_training_failed", message: error.localizedDescription)
        }
        try jobs.save(job)
        return try voiceState(job)
    }

    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try voiceState(try jobs.load(voiceID))
    }

    /// Checks a local voice's model (its profile) as a dub would read it, naming the first bad field.
    public func checkVoiceModel(_ model: JSONValue?, voice: String) throws(DubKitError) {
        do {
            _ = try VoiceProfile.checked(model, voice: voice)
        } catch {
            guard case let .invalidVoiceModel(_, field, value, allowed) = error else {
                throw .invalidField(field: "modelData", value: "unreadable", allowed: error.errorDescription ?? "a voice profile")
            }
            throw .invalidField(field: field == "modelData" ? field : "modelData.\(field)", value: value, allowed: allowed)
        }
    }

    private func state(_ job: LocalJob) -> DubJobState {
        DubJobState(jobID: job.id, status: DubStatus(rawValue: job.status) ?? .error,
                    inputDurationMs: job.inputDurationMs, creditsRequired: job.inputDurationMs.map { _ in 0 },
                    creditsUsed: job.status == "done" ? 0 : nil, failure: job.failure)
    }

    private func voiceState(_ job: LocalJob) throws -> VoiceJobState {
        let data = try job.profile.map { try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode($0)) }
        return VoiceJobState(voiceID: job.id, status: VoiceStatus(rawValue: job.status) ?? .error, creditsUsed: 0,
                             failure: job.failure, voiceData: job.status == "done" ? data : nil)
    }

    private func notReady(_ job: LocalJob, _ what: String) -> ProviderError {
        .remote(provider: "local", status: nil, code: "job_not_ready", message: "local job \(job.id) \(what)")
    }

    /// Runs CPU-heavy engine work on a thread of its own, so the cooperative pool is not blocked.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
