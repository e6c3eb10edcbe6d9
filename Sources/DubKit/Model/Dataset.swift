import Foundation
import GRDB

/// A named collection of recordings of one speaker, used to train a voice.
public struct Dataset: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "dataset"

    public internal(set) var id: Int64?
    /// Unique in the project.
    public var name: String
    public internal(set) var createdAt: Date

    public init(name: String, now: Date = Date()) {
        self.name = name
        self.createdAt = now
    }

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One recording in a dataset: its audio in the media store and what was measured of it.
public struct DatasetFile: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "dataset_file"

    public internal(set) var id: Int64?
    public var datasetID: Int64
    /// SHA-256 of the stored audio in the media store.
    public var mediaHash: String
    /// The file name the user added it from.
    public var originalName: String
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    public internal(set) var addedAt: Date

    public init(datasetID: Int64, mediaHash: String, originalName: String,
                durationSeconds: Double, sampleRate: Int, channels: Int, now: Date = Date()) {
        self.datasetID = datasetID
        self.mediaHash = mediaHash
        self.originalName = originalName
        self.durationSeconds = durationSeconds
        self.sampleRate = sampleRate
        self.channels = channels
        self.addedAt = now
    }

    enum CodingKeys: String, CodingKey {
        case id, datasetID = "dataset_id", mediaHash = "media_hash", originalName = "original_name"
        case durationSeconds = "duration_seconds", sampleRate = "sample_rate", channels
        case addedAt = "added_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
