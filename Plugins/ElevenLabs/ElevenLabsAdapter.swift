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
/// the result (``SynchronousDubs`` over ``ElevenLabsSpeechToSpeech``). Billing: 1,000 characters a
/// minute of input.
public struct ElevenLabsAdapter: Provider {
    public let descriptor = ElevenLabsDescriptor.value
    /// The HTTP client of the API.
    public let client: ElevenLabsClient
    private let dubs: SynchronousDubs<ElevenLabsSpeechToSpeech>

    /// An adapter keeping its jobs in `stateFolder`, with the key and base URL from `environment`
    /// (`ELEVENLABS_API_KEY` or a saved key, `ELEVENLABS_BASE_URL`).
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                log: (@Sendable (String) -> Void)? = nil) throws {
        let descriptor = ElevenLabsDescriptor.value
        let base = descriptor.effectiveBaseURL(environment: environment) ?? "https://api.elevenlabs.io"
        guard let url = WebAddress.url(base) else {
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

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed { try await dubs.upload(jobID: jobID, audio: audio) }
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed { try dubs.preprocess(jobID: jobID) }
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await generateDub(jobID: jobID, progress: { _ in })
    }

    /// Sends the conversion once and stores its audio; `progress` follows the bytes written against
    /// the bytes the input's length should give. A job whose result is stored is not sent again.
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await typed { try await dubs.generate(jobID: jobID, progress: progress) }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { try dubs.poll(jobID: jobID) }
    }

    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        try await typed { try dubs.lookUp(jobID: jobID, service: "ElevenLabs") }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed { try dubs.download(jobID: jobID, to: destination) }
    }

    /// The dub is done: its job's record and stored result go from the state folder.
    public func releaseDubResult(jobID: String) async throws {
        dubs.release(jobID: jobID)
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

    /// Runs `body`, turning ``ElevenLabsError`` into the core's ``ProviderError``.
    private func typed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ElevenLabsError {
            throw error.providerError
        }
    }
}
