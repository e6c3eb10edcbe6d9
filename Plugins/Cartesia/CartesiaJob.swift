import DubKit
import Foundation

/// A Cartesia dub as DubKit keeps it between steps. The voice changer converts synchronously in the
/// request that carries the clip, so upload (staging the input) and preprocess (measuring it) happen
/// here, and generate stores the answer's audio in the job's folder before it says so: a later
/// process that finds the result does not send (and pay for) the conversion again.
struct CartesiaJob: Codable, Sendable {
    /// How far the job got.
    enum Stage: String, Codable, Sendable {
        /// Created; no audio yet.
        case created
        /// The input is staged as it will be sent.
        case uploaded
        /// Measured; ready for the POST.
        case preprocessed
        /// The POST was sent and its audio not yet stored: a process stopped here left no result, and
        /// the conversion is sent again (Cartesia keeps no job to look up).
        case converting
        /// The converted audio is stored in the job's folder.
        case converted
    }

    var id: String
    var conversion: CartesiaConversion
    var stage: Stage
    /// The staged input's name in the job's folder, and the content type it is sent with.
    var input: String?
    var inputContentType: String?
    var inputDurationMs: Int64?
    /// The stored result's name in the job's folder.
    var result: String?
    /// When the result was stored.
    var convertedAt: Date?
    /// Cartesia's request id of the conversion, for support questions.
    var requestID: String?
    /// How many times the POST was sent.
    var attempts = 0

    /// The credits (characters) the conversion costs, by the billing rule.
    var credits: Int64? {
        inputDurationMs.map { CartesiaDescriptor.billing.credits(forSeconds: Double($0) / 1000) }
    }
}

/// The folder of Cartesia dub jobs: `<id>.json`, and the staged input and the result under `<id>/`.
struct CartesiaJobFolder: Sendable {
    let folder: URL
    /// Results stay this long after they were stored (a download cut off by a crash needs them),
    /// then are removed when a new job is created.
    static let resultLifetime: TimeInterval = 7 * 24 * 3600

    func url(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    /// The folder holding a job's input and result.
    func files(_ id: String) -> URL { folder.appendingPathComponent(id, isDirectory: true) }

    func load(_ id: String) throws(CartesiaError) -> CartesiaJob {
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw .invalidValue(field: "job id", value: id.debugDescription, allowed: "an id made by this adapter")
        }
        let file = url(id)
        guard let data = try? Data(contentsOf: file) else {
            throw .jobState(path: file.path, detail: "no such job; the dub's job was made elsewhere or its state folder was removed: run `dubkit dub retry` to start a new job")
        }
        do {
            return try JSONDecoder().decode(CartesiaJob.self, from: data)
        } catch {
            throw .jobState(path: file.path, detail: "unreadable (\(error.localizedDescription)); run `dubkit dub retry` to start a new job")
        }
    }

    func save(_ job: CartesiaJob) throws(CartesiaError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(job).write(to: url(job.id), options: .atomic)
        } catch {
            throw .jobState(path: url(job.id).path, detail: error.localizedDescription)
        }
    }

    /// Removes the files of jobs whose result was stored longer ago than ``resultLifetime``.
    func pruneOldResults(now: Date = Date()) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasSuffix(".json") {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let job = try? JSONDecoder().decode(CartesiaJob.self, from: data),
                  let stored = job.convertedAt, now.timeIntervalSince(stored) > Self.resultLifetime else { continue }
            try? FileManager.default.removeItem(at: files(job.id))
        }
    }
}
