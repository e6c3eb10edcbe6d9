import Foundation
import GRDB

/// The single row that describes a project inside its own store.
public struct ProjectInfo: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "project"

    var id: Int64 = 1
    /// The project's name, equal to its folder's name.
    public var name: String
    /// When the project was created.
    public var createdAt: Date
    /// The default credit budget for paid steps, if the user set one.
    public var budgetCredits: Int64?

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt = "created_at", budgetCredits = "budget_credits"
    }
}
