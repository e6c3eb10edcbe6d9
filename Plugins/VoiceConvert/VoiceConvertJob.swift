import DubKit
import Foundation

/// A voice-convert dub as DubKit keeps it between steps: the service has one request (the POST that
/// names both audio URLs and starts the task), so upload (publishing the audio) and preprocess
/// (measuring it) happen here, in a folder that outlives the process.
struct VoiceConvertJob: Codable, Sendable {
    /// How far the job got.
    enum Stage: String, Codable, Sendable {
        case created, uploaded, preprocessed
        /// The POST was sent and its answer not yet recorded.
        case submitting
        /// The service answered with its task id.
        case submitted
    }

    var id: String
    /// The POST's body; the URLs are filled in by upload.
    var request: VoiceConvertRequest
    /// The reference as the voice named it: an http(s) URL or a local file.
    var reference: String
    /// The dub's own link, when it has one: the source URL.
    var link: String?
    var stage: Stage
    var inputDurationMs: Int64?
    /// Files this job put in the publish folder, removed once the result is downloaded.
    var published: [String] = []
    var taskID: String?

    /// The output's expected length factor (Seed-VC's length_adjust; 1 when not given).
    var lengthAdjust: Double { request.lengthAdjust ?? 1 }
}

/// The folder of voice-convert jobs, one `<id>.json` each.
struct VoiceConvertJobFolder: Sendable {
    let folder: URL

    func url(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    func load(_ id: String) throws(VoiceConvertError) -> VoiceConvertJob {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw .invalidValue(field: "job id", value: id.debugDescription, allowed: "an id made by this adapter")
        }
        guard let data = try? Data(contentsOf: url(id)) else {
            throw .jobState(path: url(id).path, detail: "no such job; its state folder was removed: run `dubkit dub retry` to start a new job")
        }
        do {
            return try JSONDecoder().decode(VoiceConvertJob.self, from: data)
        } catch {
            throw .jobState(path: url(id).path, detail: "unreadable (\(error.localizedDescription))")
        }
    }

    func save(_ job: VoiceConvertJob) throws(VoiceConvertError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(job).write(to: url(job.id), options: .atomic)
        } catch {
            throw .jobState(path: url(job.id).path, detail: error.localizedDescription)
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
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https", url.host != nil else {
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
