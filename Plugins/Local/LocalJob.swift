import DubKit
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

/// The folder of local jobs.
struct LocalJobFolder: Sendable {
    let folder: URL

    func url(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    func load(_ id: String) throws -> LocalJob {
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
              let data = try? Data(contentsOf: url(id)), let job = try? JSONDecoder().decode(LocalJob.self, from: data)
        else {
            throw ProviderError.remote(provider: "local", status: nil, code: "not_found", message: "no local job '\(id)' in \(folder.path)")
        }
        return job
    }

    func save(_ job: LocalJob) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONEncoder().encode(job).write(to: url(job.id), options: .atomic)
    }
}
