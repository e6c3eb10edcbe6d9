import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// Kits.ai as a DubKit provider: its voice models as the catalogue, and dubs as voice conversions.
///
/// Kits takes the audio and starts the conversion in one multipart POST, so upload stages the sound
/// file (converted, or refused, when it is not a wav, mp3 or flac of at most 100 MB) and preprocess
/// measures it, both locally in `stateFolder`; generate sends the POST, once: when its answer is
/// lost, the account's newest conversions are looked up before it is sent again.
public struct KitsAdapter: ConfiguredPolling {
    public let descriptor = KitsDescriptor.value
    /// The HTTP client of the API.
    public let client: KitsClient
    /// Seconds between two reads of one conversion: Kits's minimum, or `DUBKIT_POLL_INTERVAL`.
    public let pollInterval: Double
    public var dubPollInterval: Double? { pollInterval }
    private let dubs: SubmittedJobs<KitsConversions>
    private let maxSoundFileBytes: Int64

    /// An adapter keeping its jobs in `stateFolder`, with the key and base URL from `environment`
    /// (`KITS_API_KEY` or a saved key, `KITS_BASE_URL`, `DUBKIT_POLL_INTERVAL`); `maxSoundFileBytes` is Kits's 100 MB unless a test lowers it.
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                maxSoundFileBytes: Int64 = KitsDescriptor.maxSoundFileBytes, log: (@Sendable (String) -> Void)? = nil) throws {
        let configuration = try ProviderConfiguration<KitsError>(KitsDescriptor.value, environment: environment)
        client = try KitsClient(configuration, log: log)
        pollInterval = configuration.pollInterval
        dubs = SubmittedJobs(folder: stateFolder, service: KitsConversions(client: client))
        self.maxSoundFileBytes = maxSoundFileBytes
    }

    // MARK: Account and catalogue

    /// Kits has no account endpoint: the key is checked with the smallest catalogue read, and the
    /// credits are not reported (Kits bills by plan).
    public func account() async throws -> ProviderAccount {
        try await typed {
            _ = try await client.voiceModels(page: 1, perPage: 1)
            return ProviderAccount(credits: nil)
        }
    }

    /// Voice models a page at a time (the cursor is the page number); `search` and `styles` keep the
    /// models of the page whose title contains it or whose tags include one, as Kits has no filters.
    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed {
            guard query.languages.isEmpty, query.genres.isEmpty else {
                throw KitsError.invalidValue(field: query.languages.isEmpty ? "genre" : "language",
                                             value: (query.languages + query.genres).joined(separator: ","),
                                             allowed: "no language or genre filter (Kits has none); filter by --style, matched to the models' tags")
            }
            let perPage = query.limit ?? KitsDescriptor.defaultPerPage
            guard perPage >= 1 else { throw KitsError.invalidValue(field: "limit", value: String(perPage), allowed: "1 or more") }
            var page = 1
            if let cursor = query.cursor {
                guard let number = Int(cursor), number >= 1 else {
                    throw KitsError.invalidValue(field: "cursor", value: cursor.debugDescription, allowed: "a page number from 1")
                }
                page = number
            }
            let answer = try await client.voiceModels(page: page, perPage: perPage)
            let search = query.search?.lowercased()
            let styles = Set(query.styles.map { $0.lowercased() })
            let voices = answer.data.filter { model in
                model.isUsable != false && (search.map { (model.title ?? "").lowercased().contains($0) } ?? true)
                    && (styles.isEmpty || !styles.isDisjoint(with: (model.tags ?? []).map { $0.lowercased() }))
            }.map { ProviderVoice(id: String($0.id), name: $0.title ?? "voice model \($0.id)", styles: $0.tags ?? []) }
            return VoicePage(voices: voices, nextCursor: answer.meta.nextPage.map(String.init))
        }
    }

    // MARK: Dubs

    public func checkVoice(_ voice: String) throws(ProviderError) {
        guard let model = Int64(voice), model > 0 else {
            throw KitsError.invalidValue(field: "voice", value: voice.debugDescription,
                                         allowed: "a Kits voice model id, a number (see `dubkit voice list --provider kits`)")
                .providerError
        }
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            try checkVoice(request.voice)
            guard let model = Int64(request.voice) else { throw KitsError.invalidValue(field: "voice", value: request.voice, allowed: "a number") }
            guard !request.separate else {
                throw KitsError.invalidValue(field: "separate", value: "true",
                                             allowed: "false: Kits voice conversions do not separate vocals; give it a vocal track")
            }
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            return try dubs.create(KitsJob(id: UUID().uuidString.lowercased(), voiceModelId: model,
                                           fields: Self.formFields(model: model, request: request), stage: .created))
        }
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed {
            try await dubs.upload(jobID: jobID) { (job: inout KitsJob) throws(KitsError) in
                let staged = try await KitsSoundFile.stage(audio, into: dubs.jobs.files(jobID), maxBytes: maxSoundFileBytes)
                job.soundFile = staged.file.lastPathComponent
                job.inputDurationMs = staged.durationMs
            }
        }
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed {
            try await dubs.preprocess(jobID: jobID, ready: { $0.soundFile != nil },
                                      missing: .invalidValue(field: "soundFile", value: "none", allowed: "an uploaded sound file (upload comes first)"))
        }
    }

    /// The paid POST, once: when its answer is lost, the account's newest conversions are looked up
    /// before it is sent again.
    public func generateDub(jobID: String) async throws -> DubJobState {
        try await typed { try await dubs.generate(jobID: jobID) }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { try await dubs.poll(jobID: jobID) }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed {
            _ = try await dubs.download(jobID: jobID, to: destination)
            // The staged sound file (up to 100 MB) is no longer needed: a new conversion stages it again.
            try? FileManager.default.removeItem(at: dubs.jobs.files(jobID))
        }
    }

    // The job records of done dubs are kept (a few hundred bytes each): a POST whose answer was lost
    // is matched to a Kits conversion not claimed by any record, and a done dub's conversion must stay
    // claimed or it could be taken as a new dub's result.

    // MARK: Internals

    /// A Kits job in DubKit's vocabulary.
    static func state(of conversion: KitsInferenceJob, jobID: String, durationMs: Int64?) -> DubJobState {
        switch conversion.status {
        case "success":
            return DubJobState(jobID: jobID, status: .done, inputDurationMs: durationMs, creditsUsed: 0)
        case "error":
            return DubJobState(jobID: jobID, status: .error, inputDurationMs: durationMs, failure: FailureInfo(
                code: "kits_conversion_error",
                message: "Kits.ai conversion \(conversion.id) ended in error; run `dubkit dub retry` to convert again, or try another voice model"))
        case "cancelled":
            return DubJobState(jobID: jobID, status: .cancelled, inputDurationMs: durationMs, failure: FailureInfo(
                code: "kits_conversion_cancelled", message: "Kits.ai conversion \(conversion.id) was cancelled on Kits's side"))
        default:
            return DubJobState(jobID: jobID, status: .processing, inputDurationMs: durationMs)
        }
    }

    /// The form's text fields: the voice model, then the options that were given.
    static func formFields(model: Int64, request: DubJobRequest) -> [[String]] {
        let values = request.parameters.values
        var fields = [["voiceModelId", String(model)]]
        for name in ["conversionStrength", "modelVolumeMix"] {
            if case let .number(value)? = values[name] { fields.append([name, number(value)]) }
        }
        if request.pitchShift != 0 { fields.append(["pitchShift", String(request.pitchShift)]) }
        let effects = KitsEffects.formFields(request.parameters)
        if let pre = effects.pre { fields.append(["pre", pre]) }
        if let post = effects.post { fields.append(["post", post]) }
        return fields
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A Kits.ai dub as DubKit keeps it between steps: Kits has one request (the multipart POST that
/// both uploads and starts the conversion), so upload and preprocess happen here, in a folder that
/// outlives the process, and the POST is the paid step.
struct KitsJob: SubmittedJob {
    var id: String
    var voiceModelId: Int64
    /// The form's text fields besides `soundFile`, in order.
    var fields: [[String]]
    var stage: SubmissionStage
    /// The staged sound file's name in the job's folder (a wav, mp3 or flac of at most 100 MB).
    var soundFile: String?
    var inputDurationMs: Int64?
    /// When the POST was last sent.
    var submittedAt: Date?
    /// Kits's inference job id.
    var remoteID: Int64?
}

/// Kits.ai conversions as a submitting service: the multipart POST that uploads the sound file and
/// starts the conversion, the account's newest conversions to settle a POST whose answer was lost, the
/// conversion read, and its signed result downloaded (a fresh address asked for once when it expired).
struct KitsConversions: SubmittingService {
    let client: KitsClient

    var finished: String { "a job Kits has finished" }

    func credits(_ job: KitsJob) -> Int64? { 0 }

    /// The conversion of the same voice model created closest to when the POST was sent (from 2 minutes
    /// before on), not claimed by another job, is taken as its result; none: it is sent again.
    func settle(_ job: KitsJob, claimed: Set<Int64>) async throws(KitsError) -> KitsJob? {
        var job = job
        let sent = job.submittedAt ?? .distantPast
        let candidates = try await client.conversions().data.compactMap { conversion -> (KitsInferenceJob, Double)? in
            guard conversion.voiceModelId == job.voiceModelId, !claimed.contains(conversion.id),
                  let created = conversion.createdDate, created >= sent.addingTimeInterval(-120) else { return nil }
            return (conversion, abs(created.timeIntervalSince(sent)))
        }
        // Two dubs of one model whose answers were both lost: each takes the one created closest to its POST.
        if let found = candidates.min(by: { $0.1 < $1.1 })?.0 {
            job.remoteID = found.id
            job.stage = .submitted
        } else {
            job.stage = .preprocessed
        }
        return job
    }

    func submit(_ job: KitsJob, files: URL) async throws(KitsError) -> (id: Int64, state: DubJobState) {
        guard let name = job.soundFile else {
            throw .invalidValue(field: "job \(job.id) stage", value: job.stage.rawValue, allowed: "preprocessed")
        }
        let created = try await client.createConversion(soundFile: files.appendingPathComponent(name),
                                                        fields: job.fields.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil })
        return (created.id, KitsAdapter.state(of: created, jobID: job.id, durationMs: job.inputDurationMs))
    }

    /// No answer, a 5xx or an unreadable answer: the POST may have been carried out.
    func mayHaveArrived(_ error: KitsError) -> Bool {
        switch error {
        case .unreachable, .server, .invalidResponse: true
        default: false
        }
    }

    func read(_ remote: Int64, of job: KitsJob) async throws(KitsError) -> DubJobState {
        KitsAdapter.state(of: try await client.conversion(remote), jobID: job.id, durationMs: job.inputDurationMs)
    }

    func download(_ remote: Int64, to destination: URL) async throws(KitsError) {
        let conversion = try await client.conversion(remote)
        guard conversion.status == "success", let url = conversion.outputFileUrl ?? conversion.lossyOutputFileUrl else {
            throw .invalidResponse(operation: "GET /voice-conversions/\(remote)",
                                   detail: "status '\(conversion.status)' with no outputFileUrl to download")
        }
        // A signed URL that expired before (or while) it was fetched: the conversion is read again for a
        // fresh one, once.
        try await client.download(url, to: destination) { () throws(KitsError) -> String? in
            let fresh = try await client.conversion(remote)
            return fresh.outputFileUrl ?? fresh.lossyOutputFileUrl
        }
    }
}

/// Makes the `soundFile` of a conversion: the input as it is when it is a wav, mp3 or flac within
/// the size limit, else converted to FLAC, else to MP3; refused when even that is too large.
enum KitsSoundFile {
    /// The staged file in `folder` and its duration in milliseconds.
    static func stage(_ input: URL, into folder: URL, maxBytes: Int64) async throws(KitsError) -> (file: URL, durationMs: Int64) {
        let info = try StagedInput.probe(input, into: folder) { KitsError.soundFile(path: input.path, detail: $0) }
        let names = info.formatName.split(separator: ",").map { String($0).lowercased() }
        if let format = KitsDescriptor.soundFileFormats.first(where: { names.contains($0) }), size(input) <= maxBytes {
            let staged = folder.appendingPathComponent("sound.\(format)")
            do {
                try StagedInput.place(input, at: staged)
            } catch {
                throw .jobState(path: staged.path, detail: error.localizedDescription)
            }
            return (staged, try duration(staged))
        }
        var sizes: [String] = []
        for format in [AudioOutputFormat.flac, .mp3] {
            let staged = folder.appendingPathComponent("sound.\(format.rawValue)")
            do {
                try await AudioExtractor.extractAudio(from: input, to: staged, options: AudioExtractionOptions(format: format),
                                                      progress: nil)
            } catch {
                throw .soundFile(path: input.path, detail: "could not be converted to \(format.rawValue) (\(error.localizedDescription))")
            }
            let bytes = size(staged)
            if bytes <= maxBytes { return (staged, try duration(staged)) }
            sizes.append("\(megabytes(bytes)) as \(format.rawValue)")
            try? FileManager.default.removeItem(at: staged)
        }
        throw .soundFile(path: input.path, detail: "is \(megabytes(size(input))) (\(sizes.joined(separator: ", "))); Kits.ai takes at most \(megabytes(maxBytes)): split the input into shorter parts and dub each")
    }

    private static func size(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? Int64.max
    }

    private static func megabytes(_ bytes: Int64) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : "\(bytes) bytes"
    }

    private static func duration(_ url: URL) throws(KitsError) -> Int64 {
        do {
            guard let seconds = try MediaProbe.probe(url).durationSeconds, seconds > 0 else {
                throw KitsError.soundFile(path: url.path, detail: "has no measurable duration")
            }
            return Int64((seconds * 1000).rounded())
        } catch let error as KitsError {
            throw error
        } catch {
            throw .soundFile(path: url.path, detail: "cannot be measured (\(error.localizedDescription))")
        }
    }
}
