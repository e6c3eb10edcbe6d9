import Foundation
import GRDB

/// A file written from one or more dubs (a video with dubbed tracks, or audio), with its settings.
public struct ExportRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "export"

    public internal(set) var id: Int64?
    /// Where the file was written.
    public var path: String
    /// Container or audio format (`mp4`, `mkv`, `wav`, …).
    public var format: String
    /// The options it was written with.
    public var settings: [String: JSONValue]
    /// SHA-256 of the written file.
    public var fileHash: String
    public internal(set) var createdAt: Date

    public init(path: String, format: String, settings: [String: JSONValue], fileHash: String, now: Date = Date()) {
        self.path = path
        self.format = format
        self.settings = settings
        self.fileHash = fileHash
        self.createdAt = now
    }

    enum CodingKeys: String, CodingKey {
        case id, path, format, settings, fileHash = "file_hash", createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
