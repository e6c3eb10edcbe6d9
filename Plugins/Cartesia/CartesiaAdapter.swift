import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// Cartesia as a DubKit provider: its voices as the catalogue, dubs as voice changer conversions
/// (`POST /voice-changer/bytes`, or `/voice-changer/sse` with the `stream` parameter), and custom
/// voices as datasets and fine-tunes.
///
/// The voice changer converts in the request that carries the clip and answers with the audio, so
/// upload stages the input and preprocess measures it, both locally in `stateFolder`; generate sends
/// the POST, writes the audio to the job's folder as it arrives and stores it there (raw samples
/// wrapped into WAV) before it reports the job done; poll reads the job file; download copies the
/// result (``SynchronousDubs`` over ``CartesiaVoiceChanger``). Billing: 15 characters a second of input.
///
/// Training: create makes the dataset (its id is the voice's provider id), each dataset file is
/// uploaded once (recorded, and looked up in the dataset's files after an interrupted upload), train
/// creates the fine-tune once (looked up among the account's fine-tunes after an interrupted request),
/// and poll reads it until it completes and names its voice (the core keeps the reads of one
/// fine-tune 10 s apart, across processes).
public struct CartesiaAdapter: SynchronousProvider, ConfiguredPolling {
    public let descriptor = CartesiaDescriptor.value
    /// The HTTP client of the API.
    public let client: CartesiaClient
    /// The dubs, kept in the state folder (every stage after create is the kit's).
    public let dubs: SynchronousDubs<CartesiaVoiceChanger>
    /// Seconds between two reads of one fine-tune.
    public let pollInterval: Double
    /// Dubs are converted in one request and read from the state folder: the runner's interval applies.
    public var dubPollInterval: Double? { nil }
    public var trainingPollInterval: Double? { pollInterval }
    private let trainings: JobFolder<CartesiaTraining, CartesiaError>

    /// An adapter keeping its jobs and trainings in `stateFolder`, with the key, base URL and poll
    /// interval from `environment` (`CARTESIA_API_KEY` or a saved key, `CARTESIA_BASE_URL`, `DUBKIT_POLL_INTERVAL`).
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                log: (@Sendable (String) -> Void)? = nil) throws {
        let configuration = try ProviderConfiguration<CartesiaError>(CartesiaDescriptor.value, environment: environment,
                                                                   pollInterval: CartesiaDescriptor.fineTunePollInterval)
        client = try CartesiaClient(configuration, log: log)
        pollInterval = configuration.pollInterval
        dubs = SynchronousDubs(folder: stateFolder, service: CartesiaVoiceChanger(client: client))
        trainings = JobFolder(trainings: stateFolder)
    }

    // MARK: Account and catalogue

    /// Cartesia's API reports no credits: the key is checked with `GET /voices?limit=1`.
    public func account() async throws -> ProviderAccount {
        try await typed {
            _ = try await client.voices(limit: 1, startingAfter: nil)
            return ProviderAccount(credits: nil)
        }
    }

    /// One page of `GET /voices` (`limit` 1...100, the cursor is `starting_after`). `--style` takes
    /// Cartesia's genders (masculine, feminine, gender_neutral; one is sent as `gender`), `--language`
    /// and `--search` (name and description) keep the matching voices of the page; there are no genres.
    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed {
            guard query.genres.isEmpty else {
                throw CartesiaError.invalidValue(field: "genre", value: query.genres.joined(separator: ","),
                                                 allowed: "no genre filter (Cartesia voices have none); filter by --language, --style (masculine, feminine, gender_neutral) or --search")
            }
            let genders = ["masculine", "feminine", "gender_neutral"]
            for style in query.styles where !genders.contains(style) {
                throw CartesiaError.invalidValue(field: "style", value: style, allowed: "a gender: " + genders.joined(separator: ", "))
            }
            let size = query.limit ?? CartesiaDescriptor.defaultPageSize
            guard CartesiaDescriptor.pageSizes.contains(size) else {
                throw CartesiaError.invalidValue(field: "limit", value: String(size), allowed: "\(CartesiaDescriptor.pageSizes)")
            }
            let page = try await client.voices(limit: size, startingAfter: query.cursor,
                                               gender: query.styles.count == 1 ? query.styles.first : nil)
            let languages = Set(query.languages.map { $0.lowercased() })
            let search = query.search?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
            let voices = page.data.filter { voice in
                (languages.isEmpty || languages.contains((voice.language ?? "").lowercased()))
                    && (query.styles.isEmpty || query.styles.contains(voice.gender ?? ""))
                    && (search.isEmpty || (voice.name ?? "").lowercased().contains(search)
                        || (voice.description ?? "").lowercased().contains(search))
            }.map(Self.voice)
            return VoicePage(voices: voices, nextCursor: page.cursor)
        }
    }

    // MARK: Dubs

    /// Checks everything before a request is paid for: the parameters against the descriptor and
    /// the seed's rules between them (which container needs `encoding`, which `bit_rate`), and the
    /// voice id's shape. A trained voice of this project is dubbed with the voice its fine-tune made.
    public func checkVoice(_ voice: String) throws(ProviderError) {
        guard Self.isVoiceID(voice) else {
            throw CartesiaError.invalidValue(field: "voice", value: voice.debugDescription,
                                             allowed: "a Cartesia voice id (see `dubkit voice list --provider cartesia`) or a voice trained in this project")
                .providerError
        }
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            guard !request.separate else {
                throw CartesiaError.invalidValue(field: "separate", value: "true", allowed: "false: the voice changer does not separate vocals")
            }
            guard request.link == nil else {
                throw CartesiaError.invalidValue(field: "link", value: Redaction.url(request.link ?? ""), allowed: "none: Cartesia takes the clip itself, not a link")
            }
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            let voice = Self.trainedVoiceID(request.voiceData) ?? request.voice
            try checkVoice(voice)
            let conversion = try CartesiaConversion(voiceID: voice, parameters: request.parameters)
            return try dubs.create(conversion)
        }
    }

    // MARK: Custom voices

    /// Creates the dataset (`POST /datasets`) and records the fine-tune's fields for later steps; the
    /// dataset's id is the voice's provider id.
    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState {
        try await typed {
            let lengths = CartesiaDescriptor.voiceNameLengths
            guard lengths.contains(request.name.count) else {
                throw CartesiaError.invalidValue(field: "name", value: request.name.debugDescription,
                                                 allowed: "\(lengths.lowerBound) to \(lengths.upperBound) characters")
            }
            try descriptor.validateTraining(parameters: request.parameters)
            let values = request.parameters.values
            let language = CartesiaConversion.text(values["language"]) ?? CartesiaDescriptor.defaultLanguage
            let model = CartesiaConversion.text(values["model_id"])?.trimmingCharacters(in: .whitespaces) ?? CartesiaDescriptor.defaultModel
            guard !model.isEmpty, model.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw CartesiaError.invalidValue(field: "model_id", value: model.debugDescription,
                                                 allowed: "a model id such as \(CartesiaDescriptor.defaultModel) (letters, digits, - _ .)")
            }
            let description = CartesiaConversion.text(values["description"]).flatMap { $0.isEmpty ? nil : $0 }
                ?? "Voice \(request.name), trained by DubKit"
            let dataset = try await client.createDataset(name: request.name, description: description)
            _ = try CartesiaClient.segment(dataset.id)
            try trainings.save(CartesiaTraining(datasetID: dataset.id, name: request.name, description: description,
                                                language: language, modelID: model))
            return VoiceJobState(voiceID: dataset.id, status: .new)
        }
    }

    /// Uploads one dataset file (`POST /datasets/{id}/files`, `purpose=fine_tune`) under a name made
    /// of its content hash, unless the dataset already has it: uploads are recorded, and after one
    /// whose answer was not recorded the dataset's files are listed before anything is sent again.
    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        try await typed {
            var training = try await settled(try trainings.load(voiceID))
            guard training.fineTuneID == nil else { return Self.state(training) }
            guard let kind = CartesiaVoiceChanger.kind(of: file), CartesiaDescriptor.datasetFormats.contains(kind.ext) else {
                throw CartesiaError.audio(path: file.path, detail: "is not audio in a format Cartesia trains on ("
                                          + CartesiaDescriptor.datasetFormats.joined(separator: ", ") + ")")
            }
            let base = file.lastPathComponent
            let filename = base.lowercased().hasSuffix(".\(kind.ext)") ? base : "\(base).\(kind.ext)"
            if training.uploaded[filename] != nil { return VoiceJobState(voiceID: voiceID, status: .uploading) }
            if training.pendingUpload != nil {
                // An upload whose answer was not recorded: the dataset says whether it arrived.
                for remote in try await datasetFiles(voiceID) where training.uploaded[remote.filename] == nil {
                    training.uploaded[remote.filename] = remote.id
                }
                training.pendingUpload = nil
                try trainings.save(training)
                if training.uploaded[filename] != nil { return VoiceJobState(voiceID: voiceID, status: .uploading) }
            }
            training.pendingUpload = filename
            try trainings.save(training)
            try await client.uploadDatasetFile(voiceID, file: file, filename: filename, contentType: kind.type)
            training.uploaded[filename] = ""
            training.pendingUpload = nil
            try trainings.save(training)
            return VoiceJobState(voiceID: voiceID, status: .uploading)
        }
    }

    /// The paid step: `POST /fine-tunes` once. A fine-tune already recorded, or found among the
    /// account's fine-tunes for this dataset after a request whose answer was not recorded, is not created again.
    /// A fine-tune costs ``CartesiaDescriptor/fineTuneCredits`` whatever the dataset, so the budget
    /// is checked against that before anything is created or uploaded.
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 {
        CartesiaDescriptor.fineTuneCredits
    }

    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed {
            var training = try await settled(try trainings.load(voiceID))
            if training.fineTuneID != nil { return Self.state(training) }
            training.fineTuneRequestedAt = Date()
            try trainings.save(training)
            let fineTune: CartesiaFineTune
            do {
                fineTune = try await client.createFineTune(training.fineTuneRequest)
            } catch let error as CartesiaError where !error.isTransient {
                // Refused outright (too little audio, a bad field, no credits): nothing was created.
                training.fineTuneRequestedAt = nil
                try trainings.save(training)
                throw error
            }
            _ = try CartesiaClient.segment(fineTune.id)
            training.fineTuneID = fineTune.id
            training.status = fineTune.status
            try trainings.save(training)
            return Self.state(training)
        }
    }

    /// Reads the fine-tune once; once completed, its voice (`GET /fine-tunes/{id}/voices`).
    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed {
            var training = try await settled(try trainings.load(voiceID))
            guard let fineTuneID = training.fineTuneID else { return Self.state(training) }
            if (training.status == .completed && training.voiceID != nil) || training.status == .failed {
                return Self.state(training)
            }
            let fineTune = try await client.fineTune(fineTuneID)
            training.status = fineTune.status
            if fineTune.status == .completed {
                if let voice = try await client.fineTuneVoices(fineTuneID).data.first {
                    _ = try CartesiaClient.segment(voice.id)
                    training.voiceID = voice.id
                    training.voiceName = voice.name
                }
            }
            try trainings.save(training)
            return Self.state(training)
        }
    }

    // MARK: Internals

    /// Every file of a dataset, all pages.
    private func datasetFiles(_ datasetID: String) async throws(CartesiaError) -> [CartesiaDatasetFile] {
        var files: [CartesiaDatasetFile] = []
        var cursor: String?
        repeat {
            let page = try await client.datasetFiles(datasetID, startingAfter: cursor)
            files += page.data
            cursor = page.cursor
        } while cursor != nil
        return files
    }

    /// After a `POST /fine-tunes` whose answer was not recorded: the account's fine-tunes say whether
    /// it was created (one for this dataset); the intent is dropped when none was.
    private func settled(_ training: CartesiaTraining) async throws(CartesiaError) -> CartesiaTraining {
        guard training.fineTuneID == nil, training.fineTuneRequestedAt != nil else { return training }
        var training = training
        var cursor: String?
        repeat {
            let page = try await client.fineTunes(startingAfter: cursor)
            if let found = page.data.first(where: { $0.dataset == training.datasetID }) {
                training.fineTuneID = found.id
                training.status = found.status
                try trainings.save(training)
                return training
            }
            cursor = page.cursor
        } while cursor != nil
        training.fineTuneRequestedAt = nil
        try trainings.save(training)
        return training
    }

    /// A training in the voice lifecycle's words: `created` → queued, `training` → processing,
    /// `completed` → done once its voice is known (finalizing until then), `failed` → error.
    static func state(_ training: CartesiaTraining) -> VoiceJobState {
        let id = training.datasetID
        guard let fineTuneID = training.fineTuneID, let status = training.status else {
            return VoiceJobState(voiceID: id, status: .uploading)
        }
        switch status {
        case .created: return VoiceJobState(voiceID: id, status: .queued)
        case .training: return VoiceJobState(voiceID: id, status: .processing)
        case .completed:
            guard let voice = training.voiceID else { return VoiceJobState(voiceID: id, status: .finalizing) }
            var data: [String: JSONValue] = [
                "voice_id": .string(voice), "fine_tune_id": .string(fineTuneID), "dataset_id": .string(id),
                "language": .string(training.language), "model_id": .string(training.modelID),
            ]
            if let name = training.voiceName { data["voice_name"] = .string(name) }
            return VoiceJobState(voiceID: id, status: .done, creditsUsed: CartesiaDescriptor.fineTuneCredits, voiceData: .object(data))
        case .failed:
            return VoiceJobState(voiceID: id, status: .error, failure: FailureInfo(
                code: "fine_tune_failed",
                message: "Cartesia fine-tune \(fineTuneID) of dataset \(id) failed. Check the dataset (at least 30 minutes of clean speech of one speaker, `dubkit dataset validate --provider cartesia`), then train again under a new name."))
        }
    }

    /// A Cartesia voice in DubKit's vocabulary: its language, and its gender as a style.
    static func voice(_ voice: CartesiaVoice) -> ProviderVoice {
        ProviderVoice(id: voice.id, name: voice.name ?? voice.id, languages: voice.language.map { [$0] } ?? [],
                      styles: voice.gender.map { [$0] } ?? [])
    }

    /// The voice a trained voice's stored data names (`voice_id`), nil for others.
    static func trainedVoiceID(_ data: JSONValue?) -> String? {
        guard case let .object(object)? = data, case let .string(id)? = object["voice_id"] else { return nil }
        return id
    }

    /// Voice ids are UUIDs today; letters, digits, - and _ are taken, nothing that could break the form.
    static func isVoiceID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

/// The Cartesia voice changer as a synchronous service: the input staged as it is and sent as `clip`, one
/// POST (`/voice-changer/bytes`, or `/voice-changer/sse` decoded as its events arrive) whose answer is
/// the audio, stored as it comes or, for raw samples, wrapped into a WAV of their encoding and rate.
public struct CartesiaVoiceChanger: SynchronousService {
    /// The HTTP client of the API.
    public let client: CartesiaClient

    public var billing: Billing { CartesiaDescriptor.billing }
    public var inputField: String { "clip" }
    public var requestIDHeaders: [String] { ["X-Request-Id", "request-id"] }

    /// Containers Cartesia takes as `clip` or as a dataset file, by FFmpeg's format name: extension and content type.
    static let containers: [String: (ext: String, type: String)] = [
        "wav": ("wav", "audio/wav"), "mp3": ("mp3", "audio/mpeg"), "flac": ("flac", "audio/flac"), "ogg": ("ogg", "audio/ogg"),
        "webm": ("webm", "audio/webm"), "matroska": ("webm", "audio/webm"), "mov": ("m4a", "audio/mp4"), "mp4": ("m4a", "audio/mp4"),
        "m4a": ("m4a", "audio/mp4"), "aac": ("aac", "audio/aac"), "asf": ("wma", "audio/x-ms-wma"), "ac3": ("ac3", "audio/ac3"),
    ]

    /// The extension and content type of an audio file, from what FFmpeg finds in it; nil when it is
    /// not audio or not a container Cartesia takes.
    static func kind(of file: URL) -> (ext: String, type: String, seconds: Double?)? {
        guard let info = try? MediaProbe.probe(file), !info.audioStreams.isEmpty else { return nil }
        let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
        guard let match = names.lazy.compactMap({ containers[$0] }).first else { return nil }
        return (match.ext, match.type, info.durationSeconds)
    }

    /// Stages `audio` into `folder` as it is (linked, or copied), named by its container.
    public func stage(_ audio: URL, into folder: URL, for conversion: CartesiaConversion) throws(CartesiaError) -> StagedInput {
        guard let kind = Self.kind(of: audio) else {
            throw .audio(path: audio.path, detail: "is not audio in a container Cartesia takes (wav, mp3, flac, ogg, webm, m4a…)")
        }
        guard let seconds = kind.seconds, seconds > 0 else {
            throw .audio(path: audio.path, detail: "has no measurable duration")
        }
        let file = folder.appendingPathComponent("input.\(kind.ext)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try StagedInput.place(audio, at: file)
        } catch {
            throw .jobState(path: file.path, detail: error.localizedDescription)
        }
        return StagedInput(name: file.lastPathComponent, contentType: kind.type, durationMs: Int64((seconds * 1000).rounded()))
    }

    /// Sends the clip; a streamed answer's events go to `stream.sse` in `folder` (removed after) while
    /// their audio is written to `audio`.
    public func send(_ conversion: CartesiaConversion, input: URL, contentType: String, to audio: URL, in folder: URL,
                     written: @escaping @Sendable (Int64) -> Void) async throws(CartesiaError) -> HTTPHeaders {
        guard conversion.stream else {
            return try await client.changeVoice(conversion, clip: input, contentType: contentType, to: audio, written: written)
        }
        return try await client.changeVoiceStream(conversion, clip: input, contentType: contentType, to: audio,
                                                  scratch: folder.appendingPathComponent("stream.sse"), written: written)
    }

    public func answer(to conversion: CartesiaConversion) -> ConversionAnswer {
        conversion.format.answer(operation: conversion.operation)
    }
}
