import DubKit
import DubKitHTTP
import Foundation

/// ElevenLabs speech-to-speech as a DubKit provider: its voices as the catalogue, and dubs as
/// conversions (`POST /v1/speech-to-speech/{voice_id}`, or `…/stream` with the `stream` parameter).
///
/// The service converts in the request that carries the audio and answers with the audio itself,
/// so upload stages the input and preprocess measures it, both locally in `stateFolder`; generate
/// sends the POST, writes the audio to the job's folder as it arrives and stores it there (WAV for
/// the headerless formats) before it reports the job done; poll reads the job file; download copies
/// the result. Billing: 1,000 characters a minute of input.
public struct ElevenLabsAdapter: Provider {
    public let descriptor = ElevenLabsDescriptor.value
    /// The HTTP client of the API.
    public let client: ElevenLabsClient
    private let jobs: ElevenLabsJobFolder

    /// An adapter keeping its jobs in `stateFolder`, with the key and base URL from `environment`
    /// (`ELEVENLABS_API_KEY` or a saved key, `ELEVENLABS_BASE_URL`).
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                log: (@Sendable (String) -> Void)? = nil) throws {
        let descriptor = ElevenLabsDescriptor.value
        let base = descriptor.effectiveBaseURL(environment: environment) ?? "https://api.elevenlabs.io"
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ElevenLabsError.invalidValue(field: "ELEVENLABS_BASE_URL", value: base, allowed: "an http(s) URL").providerError
        }
        let credentials = Credentials(environment: environment)
        client = try ElevenLabsClient(baseURL: url, log: log) { () throws(ElevenLabsError) -> String in
            do {
                return try credentials.key(for: descriptor)
            } catch {
                throw .missingKey(variable: descriptor.keyVariable ?? "ELEVENLABS_API_KEY")
            }
        }
        jobs = ElevenLabsJobFolder(folder: stateFolder)
    }

    // MARK: Account and catalogue

    /// The characters left on the plan (`character_limit - character_count`).
    public func account() async throws -> ProviderAccount {
        try await typed {
            let plan = try await client.subscription()
            return ProviderAccount(credits: max(0, plan.characterLimit - plan.characterCount))
        }
    }

    /// One page of `GET /v2/voices` (the cursor is `next_page_token`; `search` is ElevenLabs's own).
    /// `--language` keeps the voices of the page verified in (or labelled with) one of the languages,
    /// `--style` those with one of them among their label values; ElevenLabs has no genres.
    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed {
            guard query.genres.isEmpty else {
                throw ElevenLabsError.invalidValue(field: "genre", value: query.genres.joined(separator: ","),
                                                   allowed: "no genre filter (ElevenLabs voices have none); filter by --language or --style (label values such as calm, narration, female)")
            }
            let size = query.limit ?? ElevenLabsDescriptor.defaultPageSize
            guard (1...ElevenLabsDescriptor.maxPageSize).contains(size) else {
                throw ElevenLabsError.invalidValue(field: "limit", value: String(size), allowed: "1...\(ElevenLabsDescriptor.maxPageSize)")
            }
            let page = try await client.voices(pageSize: size, search: query.search, pageToken: query.cursor)
            let languages = Set(query.languages.map { $0.lowercased() })
            let styles = Set(query.styles.map { $0.lowercased() })
            let voices = page.voices.map(Self.voice).filter { voice in
                (languages.isEmpty || !languages.isDisjoint(with: voice.languages.map { $0.lowercased() }))
                    && (styles.isEmpty || !styles.isDisjoint(with: voice.styles.map { $0.lowercased() }))
            }
            return VoicePage(voices: voices, nextCursor: page.hasMore ? page.nextPageToken : nil)
        }
    }

    /// Every model (`GET /v1/models`), to pick a `model_id` from: the ones with `canDoVoiceConversion`.
    public func models() async throws -> [ElevenLabsModel] {
        try await typed { try await client.models() }
    }

    // MARK: Dubs

    /// Checks everything before a request is paid for: the parameters against the descriptor, the
    /// voice id's shape, and a `model_id` against `GET /v1/models` (refused unless it can convert).
    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            guard Self.isVoiceID(request.voice) else {
                throw ElevenLabsError.invalidValue(field: "voice", value: request.voice.debugDescription,
                                                   allowed: "an ElevenLabs voice id, letters and digits (see `dubkit voice list --provider elevenlabs`)")
            }
            guard !request.separate else {
                throw ElevenLabsError.invalidValue(field: "separate", value: "true",
                                                   allowed: "false: speech-to-speech does not separate vocals; `--param remove_background_noise=true` cleans the input instead")
            }
            guard request.link == nil else {
                throw ElevenLabsError.invalidValue(field: "link", value: request.link ?? "", allowed: "none: ElevenLabs takes the audio itself, not a link")
            }
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            let conversion = try ElevenLabsConversion(voiceID: request.voice, parameters: request.parameters)
            if let model = conversion.modelID { try await checkModel(model) }
            jobs.pruneOldResults()
            let job = ElevenLabsJob(id: UUID().uuidString.lowercased(), conversion: conversion, stage: .created)
            try jobs.save(job)
            return DubJobState(jobID: job.id, status: .new)
        }
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed {
            var job = try jobs.load(jobID)
            guard job.stage == .created || job.stage == .uploaded else { return state(job) }
            let staged = try await ElevenLabsAudio.stage(audio, into: jobs.files(jobID), rawPCM: job.conversion.sendsRawPCM)
            job.input = staged.name
            job.inputContentType = staged.contentType
            job.inputDurationMs = staged.durationMs
            job.stage = .uploaded
            try jobs.save(job)
            return state(job)
        }
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed {
            var job = try jobs.load(jobID)
            guard job.input != nil, job.inputDurationMs != nil else {
                throw ElevenLabsError.invalidValue(field: "audio", value: "none", allowed: "an uploaded input (upload comes first)")
            }
            if job.stage == .uploaded { job.stage = .preprocessed }
            try jobs.save(job)
            return state(job)
        }
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await generateDub(jobID: jobID, progress: { _ in })
    }

    /// Sends the conversion once and stores its audio; `progress` follows the bytes written against
    /// the bytes the input's length should give. A job whose result is stored is not sent again.
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await typed {
            var job = try jobs.load(jobID)
            if job.stage == .converted, let result = job.result,
               FileManager.default.fileExists(atPath: jobs.files(jobID).appendingPathComponent(result).path) {
                return state(job)
            }
            guard job.stage == .preprocessed || job.stage == .converting || job.stage == .converted,
                  let input = job.input, let contentType = job.inputContentType else {
                throw ElevenLabsError.invalidValue(field: "job \(jobID) stage", value: job.stage.rawValue, allowed: "preprocessed")
            }
            let folder = jobs.files(jobID)
            let audio = folder.appendingPathComponent(input)
            guard FileManager.default.fileExists(atPath: audio.path) else {
                throw ElevenLabsError.jobState(path: audio.path, detail: "the staged input is gone; run `dubkit dub retry` to start a new job")
            }
            job.stage = .converting
            job.attempts += 1
            try jobs.save(job)

            let format = job.conversion.format
            let part = folder.appendingPathComponent("result.part")
            try? FileManager.default.removeItem(at: part)
            let expected = Double(max(1, job.inputDurationMs ?? 1)) / 1000 * Double(format.bytesPerSecond)
            let headers: HTTPHeaders
            do {
                headers = try await client.convert(job.conversion, audio: audio, contentType: contentType, to: part) { chunk, offset in
                    progress(min(0.99, Double(offset + Int64(chunk.count)) / expected))
                }
            } catch {
                // No audio stored: whatever happened, the next generate sends it again (ElevenLabs keeps
                // no job to look up; a conversion whose answer was cut off may have been billed).
                try? FileManager.default.removeItem(at: part)
                job.stage = .preprocessed
                try jobs.save(job)
                throw error
            }
            let operation = "POST /v1/speech-to-speech/\(job.conversion.voiceID)\(job.conversion.stream ? "/stream" : "")"
            let result = "result.\(format.fileExtension)"
            do {
                try ElevenLabsAudio.store(part, format: format, to: folder.appendingPathComponent(result), operation: operation)
            } catch {
                try? FileManager.default.removeItem(at: part)
                job.stage = .preprocessed
                try jobs.save(job)
                throw error
            }
            job.result = result
            job.requestID = headers["request-id"] ?? headers["history-item-id"]
            job.convertedAt = Date()
            job.stage = .converted
            try jobs.save(job)
            // The staged input is no longer needed once the result is stored.
            try? FileManager.default.removeItem(at: audio)
            progress(1)
            return state(job)
        }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { state(try jobs.load(jobID)) }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed {
            let job = try jobs.load(jobID)
            guard job.stage == .converted, let result = job.result else {
                throw ElevenLabsError.invalidValue(field: "job \(jobID)", value: job.stage.rawValue, allowed: "a converted job")
            }
            let file = jobs.files(jobID).appendingPathComponent(result)
            do {
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.copyItem(at: file, to: destination)
            } catch {
                throw ElevenLabsError.jobState(path: file.path, detail: "the stored result cannot be copied (\(error.localizedDescription)); run `dubkit dub retry` to convert again")
            }
        }
    }

    // MARK: Internals

    /// The job as the core sees it.
    private func state(_ job: ElevenLabsJob) -> DubJobState {
        switch job.stage {
        case .created: DubJobState(jobID: job.id, status: .new)
        case .uploaded: DubJobState(jobID: job.id, status: .uploaded, inputDurationMs: job.inputDurationMs)
        case .preprocessed, .converting:
            DubJobState(jobID: job.id, status: .preprocessed, inputDurationMs: job.inputDurationMs, creditsRequired: job.credits)
        case .converted:
            DubJobState(jobID: job.id, status: .done, inputDurationMs: job.inputDurationMs, creditsRequired: job.credits,
                        creditsUsed: job.credits)
        }
    }

    /// Refuses a model that cannot do speech-to-speech, or that the account does not list.
    private func checkModel(_ model: String) async throws(ElevenLabsError) {
        let models = try await client.models()
        let usable = models.filter { $0.canDoVoiceConversion == true }.map(\.modelID)
        guard usable.contains(model) else {
            throw .unsupportedModel(model: model, known: models.contains { $0.modelID == model }, usable: usable)
        }
    }

    /// An ElevenLabs voice in DubKit's vocabulary: the verified languages (and a `language` label) as
    /// languages, the label values as styles.
    static func voice(_ voice: ElevenLabsVoice) -> ProviderVoice {
        var languages: [String] = []
        for language in (voice.verifiedLanguages ?? []).compactMap(\.language) + [voice.labels?["language"]].compactMap({ $0 })
        where !languages.contains(language) {
            languages.append(language)
        }
        let styles = (voice.labels ?? [:]).filter { $0.key != "language" }.sorted { $0.key < $1.key }.map(\.value)
        return ProviderVoice(id: voice.voiceID, name: voice.name ?? voice.voiceID, languages: languages, styles: styles)
    }

    /// Voice ids are letters and digits (20 of them today); nothing that could leave the URL path.
    static func isVoiceID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Runs `body`, turning ``ElevenLabsError`` into the core's ``ProviderError``.
    private func typed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ElevenLabsError {
            throw error.providerError
        }
    }
}
