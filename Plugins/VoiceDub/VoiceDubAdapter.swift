import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// VoiceDub as a DubKit provider: dubs (create, upload, preprocess, generate, poll, download), the
/// public voice catalogue, custom voices (create, upload, clone, poll) and the account's credits.
///
/// Preprocess, generate and clone are sent once per dub or voice: when one fails in a way that leaves
/// its outcome open (a dropped connection, a 5xx), the job is looked up instead of sending it again.
/// Each operation is one step: the core polls a job until it moves on, and keeps its reads
/// `pollInterval` apart (3 s, shorter only through `DUBKIT_POLL_INTERVAL`) across processes.
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
    private let seen = VoiceDubSeenJobs()

    /// An adapter keeping upload URLs in `stateFolder`, with the key, base URL and poll interval taken
    /// from `environment` (`VOICEDUB_API_KEY` or a saved key, `VOICEDUB_BASE_URL`, `DUBKIT_POLL_INTERVAL`).
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                retry: RetryPolicy = RetryPolicy(retriesRateLimitedWrites: true),
                log: (@Sendable (String) -> Void)? = nil) throws {
        let configuration = try ProviderConfiguration<VoiceDubError>(VoiceDubDescriptor.value, environment: environment)
        client = try VoiceDubClient(baseURL: configuration.baseURL, retry: retry, log: log, key: configuration.key)
        pollInterval = configuration.pollInterval
        uploads = VoiceDubUploadURLs(folder: stateFolder)
    }

    // MARK: Account and catalogue

    public func account() async throws -> ProviderAccount {
        try await typed { ProviderAccount(credits: try await client.me().apiCredits) }
    }

    public func voices(_ query: VoiceQuery) async throws -> VoicePage {
        try await typed {
            if let limit = query.limit, !VoiceDubDescriptor.pageSize.contains(limit) {
                throw VoiceDubError.invalidValue(field: "limit", value: String(limit), allowed: "8...50")
            }
            if let search = query.search, !VoiceDubDescriptor.searchLength.contains(search.count) {
                throw VoiceDubError.invalidValue(field: "search", value: search.debugDescription, allowed: "1 to 50 characters")
            }
            try Self.check("language", query.languages, VoiceDubCatalogue.languages)
            try Self.check("genre", query.genres, VoiceDubCatalogue.genres)
            try Self.check("style", query.styles, VoiceDubCatalogue.styles)
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
        guard !voice.isEmpty, voice.count <= 100, voice.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw VoiceDubError.invalidValue(field: "voice", value: voice.debugDescription,
                                             allowed: "a VoiceDub voice id (see `dubkit voice list --provider voicedub`) or a voice trained in this project")
                .providerError
        }
    }

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            // The core folds and checks the pitch at `dub create`; this guard keeps a direct caller
            // from paying for a request VoiceDub would refuse (the range is the catalogue's).
            let pitch = ParameterCatalogue.pitchShift
            guard pitch.range.contains(request.pitchShift) else {
                throw VoiceDubError.invalidValue(field: pitch.name, value: String(request.pitchShift), allowed: pitch.allowed)
            }
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
            await seen.record(created.dub)
            return Self.state(created.dub)
        }
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed {
            let seconds = try Self.duration(of: audio)
            guard seconds <= VoiceDubDescriptor.maxDurationSeconds else {
                throw VoiceDubError.inputTooLong(seconds: seconds, limitSeconds: VoiceDubDescriptor.maxDurationSeconds)
            }
            guard let url = uploads.load("dub", jobID)?.urls.first else { throw VoiceDubError.uploadURLMissing(job: jobID) }
            try await client.upload(audio, to: url, contentType: Self.contentType(audio))
            return DubJobState(jobID: jobID, status: .uploaded)
        }
    }

    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed {
            let operation = "POST /v1/me/dubs/\(jobID)/preprocess"
            let dub: VoiceDubDub
            do {
                dub = try await client.preprocess(dubID: jobID)
                await seen.record(dub)
            } catch VoiceDubError.dubIsNotNew {
                // An earlier request (whose answer was lost) started it: follow it.
                dub = try await read(jobID)
            } catch let error as VoiceDubError where error.isRetryable {
                dub = try await settle(jobID, after: error, operation: operation, sent: { $0 != .new })
            }
            // The core polls a dub still `preprocessing` until it is preprocessed.
            switch dub.status {
            case .error:
                let failure = Self.state(dub).failure
                throw VoiceDubError.unexpected(operation: "preprocess of dub \(jobID)", status: nil,
                                               code: dub.errorCode ?? "dub_failed", message: failure?.message ?? "")
            case .new:
                throw VoiceDubError.outcomeUnknown(operation: operation, detail: "the dub is still new after preprocess was accepted")
            default:
                return Self.state(dub)
            }
        }
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await typed {
            let operation = "POST /v1/me/dubs/\(jobID)/generate"
            var dub = try await lastSeen(jobID)
            if dub.status != .preprocessed && dub.status != .new && dub.status != .preprocessing {
                return Self.state(dub) // generate was sent before (a resumed run): never pay twice
            }
            guard dub.status == .preprocessed else {
                throw VoiceDubError.dubNotPreprocessed(operation: operation, message: "the dub is \(dub.status.rawValue), not preprocessed")
            }
            let required = Int64((dub.requiredCredits ?? 0).rounded(.up))
            let available = try await client.me().apiCredits
            guard required <= available else {
                throw VoiceDubError.notEnoughCredits(operation: operation, required: required, available: available, message: "")
            }
            var note: String?
            do {
                dub = try await client.generate(dubID: jobID)
            } catch let VoiceDubError.dubNotPreprocessed(op, message) {
                dub = try await read(jobID)
                guard Self.pastPreprocessed(dub.status) else { throw VoiceDubError.dubNotPreprocessed(operation: op, message: message) }
                note = Self.lookedUp(operation, "VoiceDub answered that the dub is no longer preprocessed", dub.status.rawValue)
            } catch let error as VoiceDubError where error.isRetryable {
                dub = try await settle(jobID, after: error, operation: operation, sent: Self.pastPreprocessed)
                note = Self.lookedUp(operation, error.summary, dub.status.rawValue)
            }
            await seen.record(dub)
            var state = Self.state(dub)
            state.note = note
            return state
        }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { Self.state(try await read(jobID)) }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed {
            var dub = try await lastSeen(jobID)
            if dub.status != .done || dub.dubUrl == nil { dub = try await read(jobID) }
            if dub.status == .error, let failure = Self.state(dub).failure {
                throw VoiceDubError.unexpected(operation: "dub \(jobID)", status: nil, code: failure.code, message: failure.message)
            }
            guard dub.status == .done, let url = dub.dubUrl else {
                throw VoiceDubError.invalidResponse(operation: "GET /v1/me/dubs/\(jobID)",
                                                    detail: "the dub is \(dub.status.rawValue) with no dubUrl; it cannot be downloaded yet")
            }
            // Into a part file of the job's in the state folder, kept when the download stalls or its
            // connection is lost, so the next run continues from the bytes already here.
            let partial: PartialDownload
            do {
                partial = try PartialDownload(folder: uploads.folder, name: Self.resultPart(jobID))
            } catch {
                throw VoiceDubError.localFile(operation: "GET dubUrl", path: uploads.folder.path, message: error.localizedDescription)
            }
            var keep = false
            defer { if !keep { partial.discard() } }
            do {
                do {
                    try await client.download(url, to: partial.url)
                } catch let VoiceDubError.unexpected(_, status?, _, _) where status == 403 || status == 410 {
                    // A presigned URL that expired (or was revoked): ask for a fresh one once.
                    let fresh = try await read(jobID)
                    guard let again = fresh.dubUrl else { throw VoiceDubError.uploadURLMissing(job: jobID) }
                    try await client.download(again, to: partial.url)
                }
            } catch let error as VoiceDubError {
                if case .unreachable = error { keep = partial.canContinue }
                throw error
            }
            try? FileManager.default.removeItem(at: destination)
            do {
                try FileManager.default.moveItem(at: partial.url, to: destination)
            } catch {
                throw VoiceDubError.localFile(operation: "GET dubUrl", path: destination.path, message: error.localizedDescription)
            }
        }
    }

    /// The name of the part file a dub's result is downloaded into, in the state folder.
    private static func resultPart(_ jobID: String) -> String { "dub-\(jobID)-result" }

    /// The dub is done and its result stored: the files kept for it in the state folder (its upload
    /// URL and a part file of its result) are no longer needed, and go, so the folder does not grow
    /// with every dub ever run.
    public func releaseDubResult(jobID: String) async throws {
        await forget("dub", jobID)
    }

    // MARK: Custom voices

    /// The voice is trained: its upload URLs go from the state folder.
    public func releaseVoiceTraining(voiceID: String) async throws {
        await forget("voice", voiceID)
    }

    /// Removes the state files of a dub or voice (`kind`) DubKit has finished with.
    private func forget(_ kind: String, _ id: String) async {
        uploads.forget(kind, id)
        if kind == "dub" { PartialDownload.remove(folder: uploads.folder, name: Self.resultPart(id)) }
    }

    public func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState {
        try await typed {
            guard VoiceDubDescriptor.nameLength.contains(request.name.count) else {
                throw VoiceDubError.invalidValue(field: "name", value: request.name.debugDescription, allowed: "1 to 50 characters")
            }
            guard VoiceDubDescriptor.datasetFiles.contains(request.numberOfFiles) else {
                throw VoiceDubError.invalidValue(field: "numberOfFiles", value: String(request.numberOfFiles), allowed: "1...5 files")
            }
            let maxMinutes = request.maxMinutes ?? VoiceDubDescriptor.defaultMaxMinutes
            guard VoiceDubDescriptor.maxMinutes.contains(maxMinutes) else {
                throw VoiceDubError.invalidValue(field: "maxMinutes", value: String(maxMinutes), allowed: "5...60 minutes")
            }
            let created = try await client.createVoice(VoiceDubCreateVoiceRequest(
                name: request.name, numberOfFiles: request.numberOfFiles, maxMinutes: maxMinutes, separate: request.separate))
            guard created.uploadUrls.count == request.numberOfFiles else {
                throw VoiceDubError.invalidResponse(operation: "POST /v1/me/voices",
                    detail: "\(created.uploadUrls.count) upload URLs for \(request.numberOfFiles) files")
            }
            try uploads.save(.init(urls: created.uploadUrls), "voice", created.voice.id)
            await seen.record(created.voice)
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

    public func trainVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed {
            let operation = "POST /v1/me/voices/\(voiceID)/clone"
            var voice = try await lastSeenVoice(voiceID)
            guard voice.status == .new else { return Self.state(voice) } // clone was sent before: never pay twice
            let required = Int64((voice.requiredCredits ?? Double(Int64(voice.maxMinutes) * VoiceDubDescriptor.creditsPerTrainingMinute)).rounded(.up))
            let available = try await client.me().apiCredits
            guard required <= available else {
                throw VoiceDubError.notEnoughCredits(operation: operation, required: required, available: available, message: "")
            }
            var note: String?
            do {
                voice = try await client.clone(voiceID: voiceID)
            } catch let VoiceDubError.voiceIsNotNew(op, message) {
                voice = try await readVoice(voiceID)
                guard voice.status != .new else { throw VoiceDubError.voiceIsNotNew(operation: op, message: message) }
                note = Self.lookedUp(operation, "VoiceDub answered that the voice is no longer new", voice.status.rawValue)
            } catch let error as VoiceDubError where error.isRetryable {
                voice = try await settleVoice(voiceID, after: error, operation: operation)
                note = Self.lookedUp(operation, error.summary, voice.status.rawValue)
            }
            await seen.record(voice)
            var state = Self.state(voice)
            state.note = note
            return state
        }
    }

    public func pollVoice(voiceID: String) async throws -> VoiceJobState {
        try await typed { Self.state(try await readVoice(voiceID)) }
    }

    // MARK: Reads and settling

    /// Reads a dub once. The HTTP layer does not retry it (its backoff is shorter than the poll
    /// interval): a read that fails transiently fails the step, which the core tries again, paced.
    private func read(_ id: String) async throws(VoiceDubError) -> VoiceDubDub {
        let dub = try await client.dub(id, retry: .never)
        await seen.record(dub)
        return dub
    }

    private func readVoice(_ id: String) async throws(VoiceDubError) -> VoiceDubVoice {
        let voice = try await client.voice(id, retry: .never)
        await seen.record(voice)
        return voice
    }

    /// The dub as last read in this process, or read now.
    private func lastSeen(_ id: String) async throws(VoiceDubError) -> VoiceDubDub {
        if let dub = await seen.dub(id) { return dub }
        return try await read(id)
    }

    private func lastSeenVoice(_ id: String) async throws(VoiceDubError) -> VoiceDubVoice {
        if let voice = await seen.voice(id) { return voice }
        return try await readVoice(id)
    }

    /// After a state-changing dub request failed without a clear answer: reads the dub; when it shows the
    /// request took effect, goes on with it, otherwise reports the failure (without sending it again).
    @discardableResult
    private func settle(_ id: String, after error: VoiceDubError, operation: String,
                        sent: (VoiceDubDubStatus) -> Bool) async throws(VoiceDubError) -> VoiceDubDub {
        let dub: VoiceDubDub
        do {
            dub = try await read(id)
        } catch {
            throw .outcomeUnknown(operation: operation, detail: "\(error.summary); looking the dub up failed too")
        }
        guard sent(dub.status) else { throw error }
        return dub
    }

    private func settleVoice(_ id: String, after error: VoiceDubError, operation: String) async throws(VoiceDubError) -> VoiceDubVoice {
        let voice: VoiceDubVoice
        do {
            voice = try await readVoice(id)
        } catch {
            throw .outcomeUnknown(operation: operation, detail: "\(error.summary); looking the voice up failed too")
        }
        guard voice.status != .new else { throw error }
        return voice
    }

    /// The training costs 10 credits per maxMinute asked for (10 minutes when none are).
    public func estimateTrainingCredits(_ request: VoiceJobRequest) -> Int64 {
        Int64(request.maxMinutes ?? VoiceDubDescriptor.defaultMaxMinutes) * VoiceDubDescriptor.creditsPerTrainingMinute
    }

    /// What the adapter tells the job's log after a paid request whose answer went missing was settled
    /// by reading the job: the request had taken effect, so it is not sent again.
    private static func lookedUp(_ operation: String, _ why: String, _ status: String) -> String {
        "the answer to \(operation) was lost (\(why)); looked the job up at VoiceDub: it is \(status), "
            + "so the request had reached VoiceDub and is not sent again"
    }

    // MARK: Mapping

    private static func pastPreprocessed(_ status: VoiceDubDubStatus) -> Bool {
        switch status {
        case .queued, .starting, .processing, .finalizing, .done, .error: true
        case .new, .preprocessing, .preprocessed: false
        }
    }

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
                           creditsUsed: dub.status == .done ? dub.apiCreditsUsed : nil, failure: failure)
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

    private static func check(_ field: String, _ values: [String], _ allowed: [String]) throws(VoiceDubError) {
        for value in values where !allowed.contains(value) {
            throw .invalidValue(field: field, value: value, allowed: "one of " + allowed.joined(separator: ", "))
        }
    }

    private static func duration(of audio: URL) throws -> Double {
        try MediaProbe.probe(audio).durationSeconds ?? 0
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

/// The last state of each dub and voice read in this process, so a step can use what a poll just saw.
actor VoiceDubSeenJobs {
    private var dubs: [String: VoiceDubDub] = [:]
    private var voices: [String: VoiceDubVoice] = [:]

    func record(_ dub: VoiceDubDub) { dubs[dub.id] = dub }
    func record(_ voice: VoiceDubVoice) { voices[voice.id] = voice }
    func dub(_ id: String) -> VoiceDubDub? { dubs[id] }
    func voice(_ id: String) -> VoiceDubVoice? { voices[id] }
}
