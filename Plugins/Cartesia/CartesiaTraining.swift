import DubKit
import DubKitProviderKit
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
typealias CartesiaTrainingFolder = JobFolder<CartesiaTraining, CartesiaError>

extension CartesiaTraining: JobRecord {
    /// A training is named by its Cartesia dataset's id.
    var id: String { datasetID }
}

extension JobFolder where Record == CartesiaTraining, Failure == CartesiaError {
    init(folder: URL) {
        self.init(folder) { error in
            guard let path = error.path else {
                return .invalidValue(field: "id", value: error.detail, allowed: "a Cartesia id (letters, digits, - and _)")
            }
            return .jobState(path: path, detail: "training of dataset: " + error.detail + "; train the voice again under a new name")
        }
    }
}
