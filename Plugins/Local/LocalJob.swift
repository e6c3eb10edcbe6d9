import DubKit
import DubKitProviderKit
import DubKitVoiceDSP
import Foundation

/// A dub or a training of the local engine, kept as a JSON file so it outlives one DubKit process.
struct LocalJob: Codable, Sendable {
    var id: String
    var status: String
    /// For dubs: the built-in voice name, or the trained profile in `profile`.
    var voice: String
    var profile: VoiceProfile?
    var settings: ConversionSettings?
    var input: String?
    var inputDurationMs: Int64?
    var output: String?
    /// For trainings: the dataset files uploaded so far.
    var files: [String] = []
    var failure: FailureInfo?
}

/// The folder of local jobs: `<id>.json`, and the converted audio beside it.
typealias LocalJobFolder = JobFolder<LocalJob, ProviderError>

extension LocalJob: JobRecord {}

extension JobFolder where Record == LocalJob, Failure == ProviderError {
    init(folder: URL) {
        self.init(folder) { error in
            .remote(provider: "local", status: nil, code: "not_found",
                    message: "local job: \(error.detail)" + (error.path.map { " (\($0))" } ?? ""))
        }
    }
}
