import Foundation
import GRDB

/// A voice known to the project: a custom voice being trained, or a provider voice registered for use.
public struct Voice: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "voice"

    public internal(set) var id: Int64?
    /// The provider that owns the voice (`local`, `voicedub`, …).
    public var providerID: String
    /// The provider's own id for the voice, once it has one.
    public var providerVoiceID: String?
    /// The name the user gives it; unique per provider in the project.
    public var name: String
    /// Where training stands; changed only through the lifecycle.
    public internal(set) var status: VoiceStatus
    public var languages: [String]
    public var genres: [String]
    public var styles: [String]
    /// The dataset it was trained from, if any.
    public var datasetID: Int64?
    /// Credits the provider charged for it.
    public var creditsUsed: Int64
    /// What its paid training step costs (the provider's figure, or the adapter's estimate), once known;
    /// counted against the budget from the moment the training request is about to be sent.
    public var creditsRequired: Int64?
    /// What the provider handed back for the trained voice (the local engine's profile), as JSON text.
    public var modelData: String?

    /// ``modelData`` parsed, when it is there and valid JSON.
    public var modelDataValue: JSONValue? {
        modelData.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }
    /// SHA-256 over the dataset's files' hashes, when trained from a dataset.
    public var datasetHash: String?
    /// Minutes of audio the provider may train on, as asked (VoiceDub: 5...60).
    public var maxMinutes: Int?
    /// Whether the provider separates vocals from music in the dataset first.
    public var separate: Bool
    /// The provider-specific training parameters asked for (`voice train --param`), nil when none.
    public var trainingParameters: DubParameters?
    public internal(set) var errorCode: String?
    public internal(set) var errorMessage: String?
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date

    /// A new custom voice, in status `new`.
    public init(providerID: String, name: String, providerVoiceID: String? = nil,
                languages: [String] = [], genres: [String] = [], styles: [String] = [],
                datasetID: Int64? = nil, maxMinutes: Int? = nil, separate: Bool = false,
                trainingParameters: DubParameters? = nil, now: Date = Date()) {
        self.providerID = providerID
        self.providerVoiceID = providerVoiceID
        self.name = name
        self.status = .new
        self.languages = languages
        self.genres = genres
        self.styles = styles
        self.datasetID = datasetID
        self.maxMinutes = maxMinutes
        self.separate = separate
        self.trainingParameters = trainingParameters
        self.creditsUsed = 0
        self.createdAt = now
        self.updatedAt = now
    }

    /// The `PROVIDER:VOICE` reference users type.
    public var reference: String { "\(providerID):\(name)" }

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, providerID = "provider_id", providerVoiceID = "provider_voice_id", name, status
        case languages, genres, styles, datasetID = "dataset_id", creditsUsed = "credits_used"
        case creditsRequired = "credits_required"
        case modelData = "model_data", datasetHash = "dataset_hash", maxMinutes = "max_minutes", separate
        case trainingParameters = "training_parameters"
        case errorCode = "error_code", errorMessage = "error_message"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
