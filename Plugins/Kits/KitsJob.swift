import DubKit
import DubKitProviderKit
import Foundation

/// A Kits.ai dub as DubKit keeps it between steps: Kits has one request (the multipart POST that
/// both uploads and starts the conversion), so upload and preprocess happen here, in a folder that
/// outlives the process, and the POST is the paid step.
struct KitsJob: Codable, Sendable {
    /// How far the job got.
    enum Stage: String, Codable, Sendable {
        /// Created; no audio yet.
        case created
        /// The sound file is staged (a wav, mp3 or flac of at most 100 MB).
        case uploaded
        /// Measured; ready for the POST.
        case preprocessed
        /// The POST was sent and its answer not yet recorded: look it up before sending it again.
        case submitting
        /// Kits answered with its job id.
        case submitted
    }

    var id: String
    var voiceModelId: Int64
    /// The form's text fields besides `soundFile`, in order.
    var fields: [[String]]
    var stage: Stage
    /// The staged sound file's name in the job's folder.
    var soundFile: String?
    var inputDurationMs: Int64?
    /// When the POST was last sent.
    var submittedAt: Date?
    /// Kits's inference job id.
    var remoteID: Int64?
}

/// The folder of Kits jobs: `<id>.json` and the staged sound file under `<id>/`.
typealias KitsJobFolder = JobFolder<KitsJob, KitsError>

extension KitsJob: JobRecord {}

extension JobFolder where Record == KitsJob, Failure == KitsError {
    init(folder: URL) {
        self.init(folder) { KitsError(jobFolder: $0) }
    }

    /// The Kits job ids already recorded by some job of this folder.
    func claimedRemoteIDs() -> Set<Int64> {
        Set(all().compactMap(\.remoteID))
    }
}

extension KitsError {
    /// A job folder's failure: an id the adapter never makes, or a record that cannot be read or written.
    init(jobFolder error: JobFolderError) {
        guard let path = error.path else {
            self = .invalidValue(field: "job id", value: error.detail, allowed: "an id made by this adapter")
            return
        }
        self = .jobState(path: path, detail: error.detail + "; run `dubkit dub retry` to start a new job")
    }
}
