import DubKit
import Foundation

/// A dub at a service that converts synchronously, as its adapter keeps it between steps and runs.
/// The service converts in the request that carries the audio, so upload (staging the input) and
/// preprocess (measuring it) happen on this machine, and generate stores the answer's audio in the
/// job's folder before it says so: a later process that finds the result does not send (and pay for)
/// the conversion again. ``SynchronousDubs`` walks it through its stages.
public struct SynchronousJob<Conversion: Codable & Sendable>: JobRecord {
    /// How far the job got.
    public enum Stage: String, Codable, Sendable {
        /// Created; no audio yet.
        case created
        /// The input is staged as it will be sent.
        case uploaded
        /// Measured; ready for the request.
        case preprocessed
        /// The request was sent and its audio not yet stored: a process stopped here left no result, and
        /// the conversion is sent again (the service keeps no job to look up).
        case converting
        /// The converted audio is stored in the job's folder.
        case converted
    }

    public var id: String
    /// What the request asks for, fixed when the job is created.
    public var conversion: Conversion
    public var stage: Stage
    /// The staged input's name in the job's folder, and the content type it is sent with.
    public var input: String?
    public var inputContentType: String?
    public var inputDurationMs: Int64?
    /// The stored result's name in the job's folder.
    public var result: String?
    /// When the result was stored.
    public var convertedAt: Date?
    /// The service's request id of the conversion, for support questions.
    public var requestID: String?
    /// How many times the request was sent.
    public var attempts = 0

    /// A new job at `stage` (``Stage/created`` unless said).
    public init(id: String, conversion: Conversion, stage: Stage = .created) {
        self.id = id
        self.conversion = conversion
        self.stage = stage
    }
}
