import Foundation
import GRDB

/// A file written from one or more dubs (a video with dubbed tracks, or audio), with its settings.
public struct ExportRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
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

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, path, format, settings, fileHash = "file_hash", createdAt = "created_at"
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
