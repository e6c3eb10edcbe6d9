import DubKit
import Foundation

/// An ElevenLabs dub as DubKit keeps it between steps. ElevenLabs converts synchronously in one
/// request that carries the audio, so upload (staging the input) and preprocess (measuring it)
/// happen here, and generate stores the answer's audio in the job's folder before it says so: a
/// later process that finds the result does not send (and pay for) the conversion again.
struct ElevenLabsJob: Codable, Sendable {
    /// How far the job got.
    enum Stage: String, Codable, Sendable {
        /// Created; no audio yet.
        case created
        /// The input is staged as it will be sent.
        case uploaded
        /// Measured; ready for the POST.
        case preprocessed
        /// The POST was sent and its audio not yet stored: a process stopped here left no result, and
        /// the conversion is sent again (ElevenLabs has no job to look up).
        case converting
        /// The converted audio is stored in the job's folder.
        case converted
    }

    var id: String
    var conversion: ElevenLabsConversion
    var stage: Stage
    /// The staged input's name in the job's folder, and the content type it is sent with.
    var input: String?
    var inputContentType: String?
    var inputDurationMs: Int64?
    /// The stored result's name in the job's folder.
    var result: String?
    /// When the result was stored.
    var convertedAt: Date?
    /// ElevenLabs's `request-id` of the conversion, for support questions.
    var requestID: String?
    /// How many times the POST was sent.
    var attempts = 0

    /// The credits (characters) the conversion costs, by the billing rule.
    var credits: Int64? {
        inputDurationMs.map { ElevenLabsDescriptor.billing.credits(forSeconds: Double($0) / 1000) }
    }
}

/// The folder of ElevenLabs jobs: `<id>.json`, and the staged input and the result under `<id>/`.
typealias ElevenLabsJobFolder = JobFolder<ElevenLabsJob, ElevenLabsError>

extension ElevenLabsJob: JobRecord {}

extension JobFolder where Record == ElevenLabsJob, Failure == ElevenLabsError {
    /// Results stay this long after they were stored (a download cut off by a crash needs them),
    /// then are removed when a new job is created.
    static var resultLifetime: TimeInterval { 7 * 24 * 3600 }

    init(folder: URL) {
        self.init(folder) { ElevenLabsError(jobFolder: $0) }
    }

    /// Removes the files of jobs whose result was stored longer ago than ``resultLifetime``.
    func pruneOldResults(now: Date = Date()) {
        for job in all() {
            guard let stored = job.convertedAt, now.timeIntervalSince(stored) > Self.resultLifetime else { continue }
            try? FileManager.default.removeItem(at: files(job.id))
        }
    }
}

extension ElevenLabsError {
    /// A job folder's failure: an id the adapter never makes, or a record that cannot be read or written.
    init(jobFolder error: JobFolderError) {
        guard let path = error.path else {
            self = .invalidValue(field: "job id", value: error.detail, allowed: "an id made by this adapter")
            return
        }
        self = .jobState(path: path, detail: error.detail + "; run `dubkit dub retry` to start a new job")
    }
}
