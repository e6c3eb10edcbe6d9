import DubKit
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
struct KitsJobFolder: Sendable {
    let folder: URL

    func url(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    /// The folder holding a job's staged sound file.
    func files(_ id: String) -> URL { folder.appendingPathComponent(id, isDirectory: true) }

    func load(_ id: String) throws(KitsError) -> KitsJob {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw .invalidValue(field: "job id", value: id.debugDescription, allowed: "an id made by this adapter")
        }
        let file = url(id)
        guard let data = try? Data(contentsOf: file) else {
            throw .jobState(path: file.path, detail: "no such job; the dub's job was made elsewhere or its state folder was removed: run `dubkit dub retry` to start a new job")
        }
        do {
            return try JSONDecoder().decode(KitsJob.self, from: data)
        } catch {
            throw .jobState(path: file.path, detail: "unreadable (\(error.localizedDescription))")
        }
    }

    func save(_ job: KitsJob) throws(KitsError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(job).write(to: url(job.id), options: .atomic)
        } catch {
            throw .jobState(path: url(job.id).path, detail: error.localizedDescription)
        }
    }

    /// The Kits job ids already recorded by some job of this folder.
    func claimedRemoteIDs() -> Set<Int64> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return Set(names.filter { $0.hasSuffix(".json") }.compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name)))
                .flatMap { try? JSONDecoder().decode(KitsJob.self, from: $0) }?.remoteID
        })
    }
}
