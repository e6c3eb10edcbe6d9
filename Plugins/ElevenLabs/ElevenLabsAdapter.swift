import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// ElevenLabs speech-to-speech as a DubKit provider: its voices as the catalogue, and dubs as
/// conversions (`POST /v1/speech-to-speech/{voice_id}`, or `…/stream` with the `stream` parameter).
///
/// The service converts in the request that carries the audio and answers with the audio itself,
/// so upload stages the input and preprocess measures it, both locally in `stateFolder`; generate
/// sends the POST, writes the audio to the job's folder as it arrives and stores it there (WAV for
/// the headerless formats) before it reports the job done; poll reads the job file; download copies
/// the result (``SynchronousDubs`` over ``ElevenLabsSpeechToSpeech``). Billing: 1,000 characters a
/// minute of input.
public struct ElevenLabsAdapter: SynchronousProvider {
    public let descriptor = ElevenLabsDescriptor.value
    /// The HTTP client of the API.
    public let client: ElevenLabsClient
    /// The dubs, kept in the state folder (every stage after create is the kit's).
    public let dubs: SynchronousDubs<ElevenLabsSpeechToSpeech>

    /// An adapter keeping its jobs in `stateFolder`, with the key and base URL from `environment`
    /// (`ELEVENLABS_API_KEY` or a saved key, `ELEVENLABS_BASE_URL`).
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                log: (@Sendable (String) -> Void)? = nil) throws {
        client = try ElevenLabsClient(ProviderConfiguration(ElevenLabsDescriptor.value, environment: environment), log: log)
        dubs = SynchronousDubs(folder: stateFolder, service: ElevenLabsSpeechToSpeech(client: client))
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
    public func checkVoice(_ voice: String) throws(ProviderError) {
        guard Self.isVoiceID(voice) else {
            throw ElevenLabsError.invalidValue(field: "voice", value: voice.debugDescription,
                                               allowed: "an ElevenLabs voice id, letters and digits (see `dubkit voice list --provider elevenlabs`)")
                .providerError
        }
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            try checkVoice(request.voice)
            guard !request.separate else {
                throw ElevenLabsError.invalidValue(field: "separate", value: "true",
                                                   allowed: "false: speech-to-speech does not separate vocals; `--param remove_background_noise=true` cleans the input instead")
            }
            guard request.link == nil else {
                throw ElevenLabsError.invalidValue(field: "link", value: Redaction.url(request.link ?? ""), allowed: "none: ElevenLabs takes the audio itself, not a link")
            }
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            let conversion = try ElevenLabsConversion(voiceID: request.voice, parameters: request.parameters)
            if let model = conversion.modelID { try await checkModel(model) }
            return try dubs.create(conversion)
        }
    }

    // MARK: Internals

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
}

/// ElevenLabs speech-to-speech as a synchronous service: the input staged as it is sent (raw PCM for
/// `file_format=pcm_s16le_16`), one POST whose answer is the audio, stored as MP3 or, for the
/// headerless formats, wrapped into WAV at the format's rate.
public struct ElevenLabsSpeechToSpeech: SynchronousService {
    /// The HTTP client of the API.
    public let client: ElevenLabsClient

    public var billing: Billing { ElevenLabsDescriptor.billing }
    public var inputField: String { "audio" }
    /// `request-id` (or the `history-item-id` of the conversion).
    public var requestIDHeaders: [String] { ["request-id", "history-item-id"] }

    public func stage(_ audio: URL, into folder: URL, for conversion: ElevenLabsConversion) async throws(ElevenLabsError) -> StagedInput {
        try await ElevenLabsAudio.stage(audio, into: folder, rawPCM: conversion.sendsRawPCM)
    }

    public func send(_ conversion: ElevenLabsConversion, input: URL, contentType: String, to audio: URL, in folder: URL,
              written: @escaping @Sendable (Int64) -> Void) async throws(ElevenLabsError) -> HTTPHeaders {
        try await client.convert(conversion, audio: input, contentType: contentType, to: audio) { chunk, offset in
            written(offset + Int64(chunk.count))
        }
    }

    public func answer(to conversion: ElevenLabsConversion) -> ConversionAnswer {
        let format = conversion.format
        let raw: RawAudioWAV.Encoding? = switch format.codec {
        case .mp3: nil
        case .pcm: .s16le
        case .ulaw: .muLaw
        }
        return ConversionAnswer(operation: conversion.operation, formatName: format.name, rawEncoding: raw,
                                sampleRate: format.sampleRate, fileExtension: format.fileExtension, bytesPerSecond: format.bytesPerSecond)
    }
}

/// The input of a conversion, staged as it is sent: the file, or raw 16-bit 16 kHz mono PCM for
/// `file_format=pcm_s16le_16`.
enum ElevenLabsAudio {
    /// The sample rate of `pcm_s16le_16` input.
    static let rawPCMRate = 16_000

    /// Stages `input` into `folder`: linked (or copied) as it is, or converted to raw PCM.
    static func stage(_ input: URL, into folder: URL, rawPCM: Bool) async throws(ElevenLabsError) -> StagedInput {
        let info = try StagedInput.probe(input, into: folder) { ElevenLabsError.audio(path: input.path, detail: $0) }
        let staged: StagedInput
        if rawPCM {
            let wav = folder.appendingPathComponent("input-16k.wav")
            let raw = folder.appendingPathComponent("input.pcm")
            defer { try? FileManager.default.removeItem(at: wav) }
            do {
                try await AudioExtractor.extractAudio(
                    from: input, to: wav,
                    options: AudioExtractionOptions(sampleRate: rawPCMRate, channels: .mono, encoding: .s16, format: .wav),
                    progress: nil)
                let layout = try RawAudioWAV.unwrap(wav, to: raw)
                guard layout.formatTag == 1, layout.bitsPerSample == 16, layout.channels == 1, layout.sampleRate == rawPCMRate else {
                    throw MediaError.processingFailed(path: wav.path, detail: "extraction wrote \(layout) instead of 16-bit 16 kHz mono PCM")
                }
                staged = StagedInput(name: raw.lastPathComponent, contentType: "application/octet-stream",
                                     durationMs: layout.dataBytes * 1000 / Int64(2 * rawPCMRate))
            } catch {
                throw .audio(path: input.path, detail: "could not be converted to raw 16-bit 16 kHz mono PCM (\(error.localizedDescription))")
            }
        } else {
            let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
            let known = ["wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg", "webm": "audio/webm",
                         "mov": "audio/mp4", "mp4": "audio/mp4", "m4a": "audio/mp4"]
            let ext = names.first { known[$0] != nil } ?? (input.pathExtension.isEmpty ? "bin" : input.pathExtension.lowercased())
            let file = folder.appendingPathComponent("input.\(ext)")
            do {
                try StagedInput.place(input, at: file)
            } catch {
                throw .jobState(path: file.path, detail: error.localizedDescription)
            }
            guard let seconds = info.durationSeconds, seconds > 0 else {
                throw .audio(path: input.path, detail: "has no measurable duration")
            }
            staged = StagedInput(name: file.lastPathComponent, contentType: known[ext] ?? "application/octet-stream",
                                 durationMs: Int64((seconds * 1000).rounded()))
        }
        let limit = ElevenLabsDescriptor.maxDurationSeconds
        if Double(staged.durationMs) / 1000 > limit {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(staged.name))
            throw .audio(path: input.path, detail: String(format: "lasts %.1f s; ElevenLabs converts about %d s a request: cut the input into shorter parts",
                                                          Double(staged.durationMs) / 1000, Int(limit)))
        }
        return staged
    }
}
