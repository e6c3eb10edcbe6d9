import Foundation
import GRDB

/// The single row that describes a project inside its own store.
public struct ProjectInfo: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "project"

    var id: Int64 = 1
    /// The project's name, equal to its folder's name.
    public var name: String
    /// When the project was created.
    public var createdAt: Date
    /// The default credit budget for paid steps, if the user set one.
    public var budgetCredits: Int64?

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, createdAt = "created_at", budgetCredits = "budget_credits"
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys
}
