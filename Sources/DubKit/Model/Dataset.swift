import Foundation
import GRDB

/// A named collection of recordings of one speaker, used to train a voice.
public struct Dataset: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "dataset"

    public internal(set) var id: Int64?
    /// Unique in the project.
    public var name: String
    public internal(set) var createdAt: Date

    public init(name: String, now: Date = Date()) {
        self.name = name
        self.createdAt = now
    }

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, createdAt = "created_at"
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One recording in a dataset: its audio in the media store and what was measured of it.
public struct DatasetFile: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
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
    /// Integrated loudness (BS.1770); nil for silence or before analysis.
    public var loudnessLUFS: Double?
    /// The highest sample in dBFS; nil for digital silence or before analysis.
    public var peakDBFS: Double?
    /// Samples in runs at full scale (clipping).
    public var clippedSamples: Int?
    /// Share of the recording that is speech (0...1).
    public var speechShare: Double?
    /// Speech level over the noise floor, in dB.
    public var snrDB: Double?
    /// Whether the figures above were measured.
    public var analysed: Bool

    public init(datasetID: Int64, mediaHash: String, originalName: String,
                durationSeconds: Double, sampleRate: Int, channels: Int, now: Date = Date()) {
        self.datasetID = datasetID
        self.mediaHash = mediaHash
        self.originalName = originalName
        self.durationSeconds = durationSeconds
        self.sampleRate = sampleRate
        self.channels = channels
        self.addedAt = now
        self.analysed = false
    }

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, datasetID = "dataset_id", mediaHash = "media_hash", originalName = "original_name"
        case durationSeconds = "duration_seconds", sampleRate = "sample_rate", channels
        case addedAt = "added_at", loudnessLUFS = "loudness_lufs", peakDBFS = "peak_dbfs"
        case clippedSamples = "clipped_samples", speechShare = "speech_share", snrDB = "snr_db", analysed
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One recording that ``ProjectStore/addRecordings(_:toDatasetNamed:progress:)`` took.
public struct DatasetAddition: Sendable {
    /// Its row in the dataset (the existing one when the dataset held the same audio).
    public var file: DatasetFile
    /// True when the dataset already held the same audio, under this name or another.
    public var alreadyPresent: Bool
}
