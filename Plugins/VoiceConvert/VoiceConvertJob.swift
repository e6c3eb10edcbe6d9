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

/// The folder of voice-convert jobs: `<id>.json`.
typealias VoiceConvertJobFolder = JobFolder<VoiceConvertJob, VoiceConvertError>

extension VoiceConvertJob: JobRecord {}

extension JobFolder where Record == VoiceConvertJob, Failure == VoiceConvertError {
    init(folder: URL) {
        self.init(folder) { VoiceConvertError(jobFolder: $0) }
    }
}

extension VoiceConvertError {
    /// A job folder's failure: an id the adapter never makes, or a record that cannot be read or written.
    init(jobFolder error: JobFolderError) {
        guard let path = error.path else {
            self = .invalidValue(field: "job id", value: error.detail, allowed: "an id made by this adapter")
            return
        }
        self = .jobState(path: path, detail: error.detail + "; run `dubkit dub retry` to start a new job")
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
