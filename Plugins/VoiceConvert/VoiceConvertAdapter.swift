import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitMedia
import Foundation

/// The voice-convert service (Seed-VC timbre transfer) as a DubKit provider: a dub keeps its speech
/// and takes the timbre of a reference recording, the voice (`voiceconvert:https://…/ref.wav`, or a
/// local file when a publish folder is set up).
///
/// The service takes audio only by URL and starts the task in one POST: upload publishes the audio
/// (or uses the dub's link) and preprocess measures it, locally in `stateFolder`; generate sends the
/// POST; polls read the task; download fetches `audioUrl`. Billing: 2 credits a second of output.
public struct VoiceConvertAdapter: ConfiguredPolling {
    public let descriptor = VoiceConvertDescriptor.value
    /// The HTTP client of the API.
    public let client: VoiceConvertClient
    /// Seconds between two reads of one task: the service's minimum, or `DUBKIT_POLL_INTERVAL`.
    public let pollInterval: Double
    public var dubPollInterval: Double? { pollInterval }
    private let dubs: SubmittedJobs<VoiceConvertTasks>
    private let publisher: VoiceConvertPublisher?

    /// An adapter keeping its jobs in `stateFolder`, configured from `environment`: `VOICECONVERT_API_KEY`
    /// (or a saved key), `VOICECONVERT_BASE_URL`, `DUBKIT_POLL_INTERVAL`, and for local files `VOICECONVERT_PUBLISH_DIR` +
    /// `VOICECONVERT_PUBLIC_URL`.
    public init(stateFolder: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                log: (@Sendable (String) -> Void)? = nil) throws {
        let configuration = try ProviderConfiguration<VoiceConvertError>(VoiceConvertDescriptor.value, environment: environment)
        client = try VoiceConvertClient(configuration, log: log)
        pollInterval = configuration.pollInterval
        do {
            publisher = try VoiceConvertPublisher(environment: environment)
        } catch {
            throw error.providerError
        }
        dubs = SubmittedJobs(folder: stateFolder, service: VoiceConvertTasks(client: client))
    }

    // MARK: Dubs

    public func createDub(_ request: DubJobRequest) async throws -> DubJobState {
        try await typed {
            try descriptor.validate(pitchShift: request.pitchShift, parameters: request.parameters)
            let reference = request.voice
            if !Self.isWebURL(reference) {
                guard !reference.isEmpty, FileManager.default.isReadableFile(atPath: reference) else {
                    throw VoiceConvertError.invalidValue(field: "voice", value: reference.debugDescription,
                                                         allowed: "the reference recording: an http(s) URL, or a readable audio file")
                }
                guard publisher != nil else { throw VoiceConvertError.needsURL(field: "voice", value: reference) }
            }
            if let link = request.link {
                guard Self.isWebURL(link) else {
                    throw VoiceConvertError.invalidValue(field: "link", value: Redaction.url(link), allowed: "an http(s) URL")
                }
            } else if publisher == nil {
                throw VoiceConvertError.needsURL(field: "source", value: "(the dub's file)")
            }
            return try dubs.create(VoiceConvertJob(id: UUID().uuidString.lowercased(), request: try Self.body(request),
                                                   reference: reference, link: request.link, stage: .created))
        }
    }

    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed {
            try await dubs.upload(jobID: jobID) { (job: inout VoiceConvertJob) throws(VoiceConvertError) in
                let seconds = try Self.measure(audio, field: "source")
                if let link = job.link {
                    job.request.sourceAudioURL = link
                } else {
                    guard let publisher else { throw VoiceConvertError.needsURL(field: "source", value: audio.path) }
                    let name = "\(job.id)-source.\(Self.fileExtension(audio))"
                    job.request.sourceAudioURL = try publisher.publish(audio, as: name)
                    job.published.append(name)
                }
                try prepareReference(&job)
                job.inputDurationMs = Int64((seconds * 1000).rounded())
            }
        }
    }

    /// For a link the service fetches itself (no upload): the link is read once here, only to measure
    /// it for the credit estimate, and not kept.
    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed {
            try await dubs.preprocess(jobID: jobID, prepare: { (job: inout VoiceConvertJob) throws(VoiceConvertError) in
                guard job.stage == .created, let link = job.link else { return }
                let temp = FileManager.default.temporaryDirectory.appendingPathComponent("dubkit-voiceconvert-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: temp) }
                try await client.download(link, to: temp, operation: "GET \(Redaction.url(link)) (to measure it)")
                job.inputDurationMs = Int64((try Self.measure(temp, field: "link") * 1000).rounded())
                job.request.sourceAudioURL = link
                try prepareReference(&job)
                job.stage = .uploaded
            }, ready: { !$0.request.sourceAudioURL.isEmpty },
               missing: .invalidValue(field: "source", value: "none", allowed: "uploaded audio (upload comes first)"))
        }
    }

    public func generateDub(jobID: String) async throws -> DubJobState {
        try await typed { try await dubs.generate(jobID: jobID) }
    }

    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { try await dubs.poll(jobID: jobID) }
    }

    /// A conversion sent whose answer never arrived cannot be looked up: the service lists no tasks.
    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        try await typed {
            let job = try dubs.jobs.load(jobID)
            switch job.stage {
            case .submitting:
                return .cannotTell("the voice-convert service lists no tasks to find one whose creation answer was lost")
            case .submitted: return .received(try await dubs.state(job))
            case .created, .uploaded, .preprocessed: return .notReceived
            }
        }
    }

    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed {
            let job = try await dubs.download(jobID: jobID, to: destination)
            for name in job.published { publisher?.remove(name) }
        }
    }

    /// The dub is done: its job's record goes from the state folder.
    public func releaseDubResult(jobID: String) async throws {
        dubs.jobs.remove(jobID)
    }

    // MARK: Internals

    /// Publishes a local reference (a URL is used as it is).
    private func prepareReference(_ job: inout VoiceConvertJob) throws(VoiceConvertError) {
        guard job.request.referenceAudioURL.isEmpty else { return }
        if Self.isWebURL(job.reference) {
            job.request.referenceAudioURL = job.reference
            return
        }
        guard let publisher else { throw .needsURL(field: "voice", value: job.reference) }
        let file = URL(fileURLWithPath: job.reference)
        let name = "\(job.id)-reference.\(file.pathExtension.isEmpty ? "wav" : file.pathExtension.lowercased())"
        job.request.referenceAudioURL = try publisher.publish(file, as: name)
        job.published.append(name)
    }

    /// Seconds of audio in a file; refused when it has none.
    private static func measure(_ file: URL, field: String) throws(VoiceConvertError) -> Double {
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(file)
        } catch {
            throw .invalidValue(field: field, value: field == "link" ? "the linked file" : file.path,
                                allowed: "audio or video that decodes (\(error.localizedDescription))")
        }
        guard !info.audioStreams.isEmpty, let seconds = info.durationSeconds, seconds > 0 else {
            throw .invalidValue(field: field, value: field == "link" ? "a file without audio" : file.path,
                                allowed: field == "link" ? "a direct link to an audio or video file (the service fetches it as it is)"
                                    : "a file with an audio stream")
        }
        return seconds
    }

    /// A task in DubKit's vocabulary.
    static func state(of task: VoiceConvertTask, jobID: String, durationMs: Int64?, estimate: Int64?) -> DubJobState {
        let taskID = task.taskID ?? jobID
        switch task.status {
        case "pending": return DubJobState(jobID: jobID, status: .queued, inputDurationMs: durationMs, creditsRequired: estimate)
        case "completed":
            return DubJobState(jobID: jobID, status: .done, inputDurationMs: durationMs, creditsRequired: estimate,
                               creditsUsed: task.creditsUsed ?? estimate)
        case "failed":
            let code = task.error?.code ?? "task_failed"
            let reason = task.error?.message ?? "no reason given"
            return DubJobState(jobID: jobID, status: .error, inputDurationMs: durationMs, creditsUsed: 0, failure: FailureInfo(
                code: code, message: "voice-convert task \(taskID) failed (\(code): \(reason)); nothing was charged. Check that both audio URLs are public, then `dubkit dub retry`"))
        case "cancelled":
            return DubJobState(jobID: jobID, status: .cancelled, inputDurationMs: durationMs, creditsUsed: 0, failure: FailureInfo(
                code: "task_cancelled", message: "voice-convert task \(taskID) was cancelled on the service's side; nothing was charged"))
        default:
            return DubJobState(jobID: jobID, status: .processing, inputDurationMs: durationMs, creditsRequired: estimate)
        }
    }

    /// The credits the output will cost: its expected length (input × length_adjust), by the billing rule.
    static func estimate(_ job: VoiceConvertJob) -> Int64? {
        job.inputDurationMs.map { credits(forOutputSeconds: Double($0) / 1000 * job.lengthAdjust) }
    }

    /// The service bills seconds of output, and `length_adjust` scales the output: 10 s of input with
    /// `length_adjust=2` is 20 s of output, 40 credits. The same rule ``estimate(_:)`` applies once the
    /// input is measured.
    public func estimateCredits(seconds: Double, parameters: DubParameters) -> Int64 {
        var factor = 1.0
        if case let .number(value)? = parameters.values["length_adjust"] { factor = value }
        return Self.credits(forOutputSeconds: seconds * factor)
    }

    private static func credits(forOutputSeconds seconds: Double) -> Int64 {
        VoiceConvertDescriptor.billing.credits(forSeconds: seconds)
    }

    /// The POST's body from the dub's parameters (URLs empty until upload).
    static func body(_ request: DubJobRequest) throws(VoiceConvertError) -> VoiceConvertRequest {
        let values = request.parameters.values
        func number(_ name: String) -> Double? {
            if case let .number(value)? = values[name] { return value }
            return nil
        }
        func flag(_ name: String) -> Bool? {
            if case let .bool(value)? = values[name] { return value }
            return nil
        }
        var metadata: JSONValue?
        if case let .string(text)? = values["metadata"] {
            guard let data = text.data(using: .utf8), let value = try? JSONDecoder().decode(JSONValue.self, from: data),
                  case .object = value else {
                throw .invalidValue(field: "metadata", value: text.debugDescription, allowed: #"a JSON object as text, e.g. {"order":"42"}"#)
            }
            metadata = value
        }
        let pitch = request.pitchShift
        let separation = flag("enable_separation") ?? (request.separate ? true : nil)
        var returnFormat: String?
        if case let .string(format)? = values["return_format"] { returnFormat = format }
        return VoiceConvertRequest(
            sourceAudioURL: "", referenceAudioURL: "",
            diffusionSteps: number("diffusion_steps").flatMap { Int(exactly: $0) },
            lengthAdjust: number("length_adjust"), inferenceCfgRate: number("inference_cfg_rate"),
            autoF0Adjust: flag("auto_f0_adjust"), pitchShift: pitch == 0 ? nil : pitch, returnFormat: returnFormat,
            enableSeparation: separation, vocalsGain: number("vocals_gain"), accompanimentGain: number("accompaniment_gain"),
            metadata: metadata)
    }

    private static func isWebURL(_ text: String) -> Bool {
        WebAddress.url(text) != nil
    }

    private static func fileExtension(_ file: URL) -> String {
        let names = ((try? MediaProbe.probe(file))?.formatName ?? "").split(separator: ",").map { String($0).lowercased() }
        for known in ["wav", "mp3", "flac", "ogg", "mp4", "m4a"] where names.contains(known) { return known }
        return file.pathExtension.isEmpty ? "wav" : file.pathExtension.lowercased()
    }
}

/// A voice-convert dub as DubKit keeps it between steps: the service has one request (the POST that
/// names both audio URLs and starts the task), so upload (publishing the audio) and preprocess
/// (measuring it) happen here, in a folder that outlives the process.
struct VoiceConvertJob: SubmittedJob {
    var id: String
    /// The POST's body; the URLs are filled in by upload.
    var request: VoiceConvertRequest
    /// The reference as the voice named it: an http(s) URL or a local file.
    var reference: String
    /// The dub's own link, when it has one: the source URL.
    var link: String?
    var stage: SubmissionStage
    var inputDurationMs: Int64?
    /// When the POST was last sent.
    var submittedAt: Date?
    /// Files this job put in the publish folder, removed once the result is downloaded.
    var published: [String] = []
    var taskID: String?

    /// The service's task id (kept as `taskID`).
    var remoteID: String? {
        get { taskID }
        set { taskID = newValue }
    }

    /// The output's expected length factor (Seed-VC's length_adjust; 1 when not given).
    var lengthAdjust: Double { request.lengthAdjust ?? 1 }
}

/// The voice-convert service's tasks as a submitting service: the POST that names both audio URLs and
/// starts the task, the task read, and its `audioUrl` downloaded (a fresh one asked for once when it
/// expired). The service lists no tasks, so a POST whose answer was lost cannot be settled.
struct VoiceConvertTasks: SubmittingService {
    let client: VoiceConvertClient

    var finished: String { "a completed task" }

    func credits(_ job: VoiceConvertJob) -> Int64? { VoiceConvertAdapter.estimate(job) }

    func settle(_ job: VoiceConvertJob, claimed: Set<String>) async throws(VoiceConvertError) -> VoiceConvertJob? { nil }

    func submit(_ job: VoiceConvertJob, files: URL) async throws(VoiceConvertError) -> (id: String, state: DubJobState) {
        let accepted = try await client.convert(job.request)
        return (accepted.taskID, DubJobState(jobID: job.id, status: .queued, inputDurationMs: job.inputDurationMs,
                                             creditsRequired: credits(job)))
    }

    /// Sent, and its answer lost or unreadable: a task may exist.
    func mayHaveArrived(_ error: VoiceConvertError) -> Bool {
        switch error {
        case .answerLost, .invalidResponse: true
        default: false
        }
    }

    func read(_ remote: String, of job: VoiceConvertJob) async throws(VoiceConvertError) -> DubJobState {
        VoiceConvertAdapter.state(of: try await client.task(remote), jobID: job.id, durationMs: job.inputDurationMs,
                                  estimate: credits(job))
    }

    func download(_ remote: String, to destination: URL) async throws(VoiceConvertError) {
        let task = try await client.task(remote)
        guard task.status == "completed", let audio = task.audioURL else {
            throw .invalidResponse(operation: "GET /api/v2/tasks/\(remote)", detail: "status '\(task.status)' with no audioUrl to download")
        }
        // A storage link that expired before (or while) it was fetched: the task is read again for a fresh one, once.
        try await client.download(audio, to: destination) { () throws(VoiceConvertError) -> String? in
            try await client.task(remote).audioURL
        }
    }
}

/// Where local audio is made reachable by URL: a folder the user's web server publishes
/// (`VOICECONVERT_PUBLISH_DIR`) at a public base URL (`VOICECONVERT_PUBLIC_URL`).
struct VoiceConvertPublisher: Sendable {
    let folder: URL
    let publicBase: URL

    /// The publisher the environment sets up, nil when either variable is missing.
    init?(environment: [String: String]) throws(VoiceConvertError) {
        guard let dir = environment["VOICECONVERT_PUBLISH_DIR"], !dir.isEmpty,
              let base = environment["VOICECONVERT_PUBLIC_URL"], !base.isEmpty else { return nil }
        guard let url = WebAddress.url(base) else {
            throw .invalidValue(field: "VOICECONVERT_PUBLIC_URL", value: base, allowed: "an http(s) URL")
        }
        folder = URL(fileURLWithPath: dir, isDirectory: true)
        publicBase = url
    }

    /// Copies `file` into the folder as `name` and answers its public URL.
    func publish(_ file: URL, as name: String) throws(VoiceConvertError) -> String {
        let target = folder.appendingPathComponent(name)
        do {
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: file, to: target)
        } catch {
            throw .publish(path: file.path, detail: error.localizedDescription)
        }
        return publicBase.appendingPathComponent(name).absoluteString
    }

    /// Removes a published file.
    func remove(_ name: String) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
}
