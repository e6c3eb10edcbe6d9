import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// VoiceDub as a DubKit provider: dubs (create, upload, preprocess, generate, read, download), the
/// public voice catalogue, custom voices (create, upload, clone, read) and the account's credits.
///
/// Each operation is one request (an upload or a download one transfer): the core polls a job until
/// it moves on, keeps its reads `pollInterval` apart (3 s, shorter only through
/// `DUBKIT_POLL_INTERVAL`) across processes, checks the credits (``balance()``) before a paid call,
/// looks a paid request whose answer was lost up before sending it again, and waits out a 429.
/// Failures reach the core as ``ProviderError`` carrying VoiceDub's code and a message with what to do.
public struct VoiceDubAdapter: ConfiguredPolling {
    public let descriptor = VoiceDubDescriptor.value
    /// The HTTP client of the API.
    public let client: VoiceDubClient
    /// Seconds between two reads of one job.
    public let pollInterval: Double
    public var dubPollInterval: Double? { pollInterval }
    public var trainingPollInterval: Double? { pollInterval }
    private let uploads: VoiceDubUploadURLs

    /// An adapter keeping upload URLs in `stateFolder`, with the key, base URL and poll interval taken
    /// from `environment` (`VOICEDUB_API_KEY` or a saved key, `VOICEDUB_BASE_URL`, `DUBKIT_POLL_INTERVAL`);
    /// `retry` is the HTTP layer's policy for result downloads.
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                retry: RetryPolicy = .standard, log: (@Sendable (String) -> Void)? = nil) throws {
        let configuration = try ProviderConfiguration<VoiceDubError>(VoiceDubDescriptor.value, environment: environment)
        client = try VoiceDubClient(baseURL: configuration.baseURL, retry: retry, log: log, key: configuration.key)
        pollInterval = configuration.pollInterval
        uploads = VoiceDubUploadURLs(folder: stateFolder)
    }

    // MARK: Account and catalogue

    public func account() async throws -> ProviderAccount {
        ProviderAccount(credits: try await balance())
    }

    /// `GET /v1/me`'s `apiCredits`, which the core compares with a paid call's cost before sending it.
    public func balance() async throws -> Int64? {
        try await typed { try await client.me().apiCredits }
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed {
            if let limit = query.limit { try Self.check("limit", limit, in: VoiceDubDescriptor.pageSize, "") }
            if let search = query.search {
                try Self.check("search", search.count, in: VoiceDubDescriptor.searchLength, "characters", shown: search.debugDescription)
            }
            try Self.check("language", query.languages, VoiceDubDescriptor.languages)
            try Self.check("genre", query.genres, VoiceDubDescriptor.genres)
            try Self.check("style", query.styles, VoiceDubDescriptor.styles)
            let page = try await client.publicVoices(search: query.search, genres: query.genres, languages: query.languages,
                                                     styles: query.styles, limit: query.limit, cursor: query.cursor)
            return VoicePage(voices: page.voices.map {
                ProviderVoice(id: $0.id, name: $0.name, languages: $0.languages, genres: $0.genres, styles: $0.styles)
            }, nextCursor: page.nextCursor)
        }
    }

    // MARK: Dubs

    /// A VoiceDub voice id is letters, digits, `-` and `_` (a UUID for public voices).
    public func checkVoice(_ voice: String) throws(ProviderError) {
        try VoiceDubError.checkVoice(voice, isValid: VoiceDubDescriptor.isID(voice),
                                     allowed: "a VoiceDub voice id (see `dubkit voice list --provider voicedub`) or a voice trained in this project")
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            // The core folds and checks the parameters at `dub create`; this keeps a direct caller from
            // sending a request VoiceDub would refuse (the ranges are the catalogue's, in the descriptor).
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            var separate = request.separate
            if case let .bool(value)? = request.parameters.values["separate"] { separate = value }
            if let link = request.link {
                guard WebAddress.url(link) != nil else {
                    throw VoiceDubError.invalidValue(field: "link", value: Redaction.url(link), allowed: "an http(s) URL")
                }
            }
            let created = try await client.createDub(VoiceDubCreateDubRequest(
                voiceId: request.voice, link: request.link, pitchShift: request.pitchShift, separate: separate))
            if let uploadUrl = created.uploadUrl {
                try uploads.save(.init(urls: [uploadUrl]), "dub", created.dub.id)
            } else if request.link == nil {
                throw VoiceDubError.invalidResponse(operation: "POST /v1/me/dubs", detail: "no uploadUrl for a dub without a link")
            }
            return Self.state(created.dub)
        }
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed {
            let seconds = try MediaProbe.probe(audio).durationSeconds ?? 0
            guard seconds <= VoiceDubDescriptor.maxDurationSeconds else {
                throw VoiceDubError.inputTooLong(seconds: seconds, limitSeconds: VoiceDubDescriptor.maxDurationSeconds)
            }
            guard let url = uploads.load("dub", jobID)?.urls.first else { throw VoiceDubError.uploadURLMissing(job: jobID) }
            try await client.upload(audio, to: url, contentType: Self.contentType(audio))
            return DubJobState(jobID: jobID, status: .uploaded)
        }
    }

    /// `POST …/preprocess`; a dub VoiceDub is still analysing comes back `preprocessing` (the core polls it).
    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed {
            let dub = try await client.preprocess(dubID: jobID)
            guard dub.status != .new else {
                throw VoiceDubError.outcomeUnknown(operation: "POST /v1/me/dubs/\(jobID)/preprocess",
                                                   detail: "the dub is still new after preprocess was accepted")
            }
            return Self.state(dub)
        }
    }

    /// `POST …/generate`, once: the core's ledger looks a request whose answer was lost up first.
    public func generateDub(jobID: String) async throws -> DubJobState {
        try await typed { Self.state(try await client.generate(dubID: jobID)) }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { Self.state(try await client.dub(jobID)) }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await downloadDub(jobID: jobID, to: destination, seen: nil)
    }

    /// Downloads `dubUrl`: the one the core's last read found when it found the dub done, else read now.
    public func downloadDub(jobID: String, to destination: URL, seen: DubJobState?) async throws {
        try await typed {
            let address: String
            if seen?.status == .done, let known = seen?.resultURL {
                address = known
            } else {
                let dub = try await client.dub(jobID)
                if dub.status == .error, let failure = Self.state(dub).failure {
                    throw VoiceDubError.unexpected(operation: "dub \(jobID)", status: nil, code: failure.code, message: failure.message)
                }
                guard dub.status == .done, let url = dub.dubUrl else {
                    throw VoiceDubError.invalidResponse(operation: "GET /v1/me/dubs/\(jobID)",
                                                        detail: "the dub is \(dub.status.rawValue) with no dubUrl; it cannot be downloaded yet")
                }
                address = url
            }
            // Into a part file of the job's in the state folder, kept when the download stalls or its
            // connection is lost, so the next run continues from the bytes already here.
            let partial: PartialDownload
            do {
                partial = try PartialDownload(folder: uploads.folder, name: Self.resultPart(jobID))
            } catch {
                throw VoiceDubError.localFile(operation: VoiceDubClient.downloadOperation, path: uploads.folder.path,
                                              message: error.localizedDescription)
            }
            var keep = false
            defer { if !keep { partial.discard() } }
            do {
                // A presigned URL that expired (or was revoked) is read again for a fresh one, once.
                try await client.download(address, to: partial.url) { () throws(VoiceDubError) -> String? in
                    try await client.dub(jobID).dubUrl
                }
            } catch let error as VoiceDubError {
                if case .unreachable = error { keep = partial.canContinue }
                throw error
            }
            try? FileManager.default.removeItem(at: destination)
            do {
                try FileManager.default.moveItem(at: partial.url, to: destination)
            } catch {
                throw VoiceDubError.localFile(operation: VoiceDubClient.downloadOperation, path: destination.path,
                                              message: error.localizedDescription)
            }
        }
    }

    /// The name of the part file a dub's result is downloaded into, in the state folder.
    private static func resultPart(_ jobID: String) -> String { "dub-\(jobID)-result" }

    /// The dub is done and its result stored: the files kept for it in the state folder (its upload
    /// URL and a part file of its result) are no longer needed, and go, so the folder does not grow
    /// with every dub ever run.
    public func releaseDubResult(jobID: String) async throws {
        uploads.forget("dub", jobID)
        PartialDownload.remove(folder: uploads.folder, name: Self.resultPart(jobID))
    }

    // MARK: Custom voices

    /// The voice is trained: its upload URLs go from the state folder.
    public func releaseVoiceTraining(voiceID: String) async throws {
        uploads.forget("voice", voiceID)
    }

    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState {
        try await typed {
            try Self.check("name", request.name.count, in: VoiceDubDescriptor.nameLength, "characters", shown: request.name.debugDescription)
            try Self.check("numberOfFiles", request.numberOfFiles, in: VoiceDubDescriptor.datasetFiles, "files")
            let maxMinutes = request.maxMinutes ?? VoiceDubDescriptor.defaultMaxMinutes
            try Self.check("maxMinutes", maxMinutes, in: VoiceDubDescriptor.maxMinutes, "minutes")
            let created = try await client.createVoice(VoiceDubCreateVoiceRequest(
                name: request.name, numberOfFiles: request.numberOfFiles, maxMinutes: maxMinutes, separate: request.separate))
            guard created.uploadUrls.count == request.numberOfFiles else {
                throw VoiceDubError.invalidResponse(operation: "POST /v1/me/voices",
                    detail: "\(created.uploadUrls.count) upload URLs for \(request.numberOfFiles) files")
            }
            try uploads.save(.init(urls: created.uploadUrls), "voice", created.voice.id)
            return Self.state(created.voice)
        }
    }

    public func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        try await typed {
            guard var entry = uploads.load("voice", voiceID) else { throw VoiceDubError.uploadURLMissing(job: voiceID) }
            let name = file.lastPathComponent
            let index: Int
            if let known = entry.assigned[name] {
                index = known
            } else {
                guard let free = entry.urls.indices.first(where: { !entry.assigned.values.contains($0) }) else {
                    throw VoiceDubError.invalidValue(field: "dataset files", value: String(entry.urls.count + 1),
                                                     allowed: "the \(entry.urls.count) files announced when the voice was created")
                }
                index = free
                entry.assigned[name] = index
                try uploads.save(entry, "voice", voiceID)
            }
            try await client.upload(file, to: entry.urls[index], contentType: Self.contentType(file))
            return VoiceJobState(voiceID: voiceID, status: .uploading)
        }
    }

    /// `POST …/clone`, once: the core looks a training whose answer was lost up before sending it again.
    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed { Self.state(try await client.clone(voiceID: voiceID)) }
    }

    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed { Self.state(try await client.voice(voiceID)) }
    }

    /// The training costs 10 credits per maxMinute asked for (10 minutes when none are).
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 {
        Int64(request.maxMinutes ?? VoiceDubDescriptor.defaultMaxMinutes) * VoiceDubDescriptor.creditsPerTrainingMinute
    }

    // MARK: Mapping

    /// A VoiceDub dub in the dub lifecycle's words.
    static func state(_ dub: VoiceDubDub) -> DubJobState {
        let status: DubStatus = switch dub.status {
        case .new: .new
        case .preprocessing: .preprocessing
        case .preprocessed: .preprocessed
        case .queued: .queued
        case .starting: .starting
        // VoiceDub's own finalizing is still its work; DubKit's `finalizing` is the download after its done.
        case .processing, .finalizing: .processing
        case .done: .done
        case .error: .error
        }
        let failure = dub.status == .error
            ? FailureInfo(code: dub.errorCode ?? "dub_failed",
                          message: "VoiceDub dub \(dub.id) failed: \(dub.errorMessage ?? "no message given"). Check the input and voice, then `dubkit dub retry`.")
            : nil
        return DubJobState(jobID: dub.id, status: status, inputDurationMs: dub.inputDuration,
                           creditsRequired: dub.requiredCredits.map { Int64($0.rounded(.up)) },
                           creditsUsed: dub.status == .done ? dub.apiCreditsUsed : nil, failure: failure,
                           resultURL: dub.status == .done ? dub.dubUrl : nil)
    }

    /// A VoiceDub voice in the voice lifecycle's words.
    static func state(_ voice: VoiceDubVoice) -> VoiceJobState {
        let status: VoiceStatus = switch voice.status {
        case .new: .new
        case .queued: .queued
        case .starting: .starting
        case .processing: .processing
        case .finalizing: .finalizing
        case .done: .done
        case .error: .error
        }
        let failure = voice.status == .error
            ? FailureInfo(code: voice.errorCode ?? "training_failed",
                          message: "VoiceDub voice \(voice.id) failed to train: \(voice.errorMessage ?? "no message given"). Check the dataset, then train again.")
            : nil
        return VoiceJobState(voiceID: voice.id, status: status, creditsRequired: voice.requiredCredits.map { Int64($0.rounded(.up)) },
                             creditsUsed: voice.status == .done ? voice.apiCreditsUsed : nil, failure: failure)
    }

    // MARK: Checks before a request

    /// Refuses `value` outside `range` (of `unit`), naming the field and showing the value as `shown`.
    private static func check(_ field: String, _ value: Int, in range: ClosedRange<Int>, _ unit: String,
                              shown: String? = nil) throws(VoiceDubError) {
        if range.contains(value) { return }
        let bounds = "\(range.lowerBound)" + (unit == "characters" ? " to " : "...") + "\(range.upperBound)"
        throw .invalidValue(field: field, value: shown ?? String(value), allowed: unit.isEmpty ? bounds : "\(bounds) \(unit)")
    }

    /// Refuses the first of `values` that is not among `allowed`, naming the field.
    private static func check(_ field: String, _ values: [String], _ allowed: [String]) throws(VoiceDubError) {
        guard let refused = values.first(where: { !allowed.contains($0) }) else { return }
        throw .invalidValue(field: field, value: refused, allowed: "one of " + allowed.joined(separator: ", "))
    }

    private static func contentType(_ file: URL) -> String {
        switch file.pathExtension.lowercased() {
        case "mp3": "audio/mpeg"
        case "flac": "audio/flac"
        case "m4a", "aac": "audio/mp4"
        case "ogg": "audio/ogg"
        default: "audio/wav"
        }
    }
}

/// The presigned upload URLs VoiceDub hands out when a dub or a voice is created, kept as files in the
/// workspace's state folder so a run interrupted before its upload can still upload (the API has no
/// way to ask for them again). They hold signatures for one object each, never the API key.
struct VoiceDubUploadURLs: Sendable {
    /// What is kept for one dub or voice.
    struct Entry: Codable, Sendable {
        var urls: [String]
        /// For voices: which dataset file (by file name, the media hash) went to which URL.
        var assigned: [String: Int] = [:]
    }

    let folder: URL

    private func url(_ kind: String, _ id: String) -> URL {
        folder.appendingPathComponent("\(kind)-\(id).json", isDirectory: false)
    }

    func load(_ kind: String, _ id: String) -> Entry? {
        guard let data = try? Data(contentsOf: url(kind, id)) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    /// Removes what is kept for a dub or voice that needs it no more (a missing file is fine).
    func forget(_ kind: String, _ id: String) {
        unlink(url(kind, id).path)
    }

    /// Writes the entry in one step (mode 0600, the folder 0700 when it is made). It is not flushed to
    /// the disk: it survives DubKit being killed, and only a power cut can lose it, as it can lose the
    /// store's last commits (WAL, synchronous NORMAL) that name the job; losing it costs nothing paid,
    /// since the upload comes before generating, and a file lost that way reads as missing (an
    /// `uploadURLMissing` error saying to create the dub again).
    func save(_ entry: Entry, _ kind: String, _ id: String) throws(VoiceDubError) {
        let file = url(kind, id)
        do {
            try AtomicFile.write(JSONEncoder().encode(entry), to: file, mode: 0o600, folderMode: 0o700, flush: false)
        } catch {
            throw .invalidValue(field: "state file", value: file.path, allowed: "a writable file (\(error.localizedDescription))")
        }
    }
}
