import Foundation

/// A Cartesia training as the adapter keeps it between steps and processes: the dataset (whose id is
/// the voice's provider id in the project), the fine-tune request's fields, which files the dataset
/// holds, and the fine-tune once it was created. An intent is written before each request that
/// changes something at Cartesia, so a process that stops before the answer is recorded looks the
/// dataset's files or the account's fine-tunes up instead of sending the request again.
struct CartesiaTraining: Codable, Sendable {
    var datasetID: String
    var name: String
    var description: String
    var language: String
    var modelID: String
    /// Files known to be in the dataset: the name uploaded under, and Cartesia's file id when known.
    var uploaded: [String: String] = [:]
    /// A file whose upload was sent without its answer being recorded.
    var pendingUpload: String?
    /// Set right before `POST /fine-tunes` is sent.
    var fineTuneRequestedAt: Date?
    var fineTuneID: String?
    var status: CartesiaFineTuneStatus?
    /// The voice the completed fine-tune made (`GET /fine-tunes/{id}/voices`), used for dubs.
    var voiceID: String?
    var voiceName: String?

    /// The `POST /fine-tunes` body.
    var fineTuneRequest: CartesiaCreateFineTune {
        CartesiaCreateFineTune(name: name, description: description, language: language, modelID: modelID, dataset: datasetID)
    }
}

/// The trainings of the state folder: `trainings/<dataset id>.json`.
struct CartesiaTrainingFolder: Sendable {
    let folder: URL

    func url(_ datasetID: String) -> URL { folder.appendingPathComponent("\(datasetID).json") }

    func load(_ datasetID: String) throws(CartesiaError) -> CartesiaTraining {
        let id = try CartesiaClient.segment(datasetID)
        let file = url(id)
        guard let data = try? Data(contentsOf: file) else {
            throw .jobState(path: file.path, detail: "no record of dataset \(id); the training was started from another workspace or its state folder was removed: train the voice again under a new name")
        }
        do {
            return try JSONDecoder().decode(CartesiaTraining.self, from: data)
        } catch {
            throw .jobState(path: file.path, detail: "unreadable (\(error.localizedDescription)); train the voice again under a new name")
        }
    }

    func save(_ training: CartesiaTraining) throws(CartesiaError) {
        let file = url(training.datasetID)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(training).write(to: file, options: .atomic)
        } catch {
            throw .jobState(path: file.path, detail: error.localizedDescription)
        }
    }
}
