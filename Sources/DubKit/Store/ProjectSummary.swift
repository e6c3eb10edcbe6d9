import Foundation
import GRDB

/// What `project show` and `project list` report about a project.
public struct ProjectSummary: Sendable, Codable, Hashable {
    public var name: String
    public var path: String
    public var createdAt: Date
    public var budgetCredits: Int64?
    public var dubs: Int
    /// Number of dubs in each status that has any.
    public var dubsByStatus: [String: Int]
    public var voices: Int
    public var datasets: Int
    public var exports: Int
    /// Credits spent on dubs and voice trainings, deleted ones included.
    public var creditsUsed: Int64
    /// Bytes held in the media store (as recorded in the store).
    public var mediaBytes: Int64
}

extension ProjectStore {
    /// Sets or clears the project's default credit budget.
    public func setBudget(_ credits: Int64?) throws(DubKitError) {
        if let credits, credits < 0 {
            throw .invalidField(field: "budget", value: String(credits), allowed: "0 or more credits")
        }
        try write { db in
            try db.execute(sql: "UPDATE project SET budget_credits = ?", arguments: [credits])
            var event = Event(entity: .project, entityID: 1, kind: .note,
                              message: credits.map { "budget set to \($0) credits" } ?? "budget cleared")
            try event.insert(db)
        }
    }

    /// Counts and totals for the project, read in one snapshot.
    public func summary() throws(DubKitError) -> ProjectSummary {
        try read { db in
            guard let info = try ProjectInfo.fetchOne(db) else { throw DubKitError.notAProject(path: folder.path) }
            var byStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM dub WHERE parent_id IS NULL GROUP BY status") {
                byStatus[row[0]] = row[1]
            }
            let credits = try Int64.fetchOne(db, sql: """
                SELECT (SELECT COALESCE(SUM(credits_used), 0) FROM dub WHERE chunk_count IS NULL) + (SELECT COALESCE(SUM(credits_used), 0) FROM voice)
                    + (SELECT COALESCE(MAX(deleted_credits_used), 0) FROM project)
                """) ?? 0
            return ProjectSummary(
                name: info.name, path: folder.path, createdAt: info.createdAt, budgetCredits: info.budgetCredits,
                dubs: byStatus.values.reduce(0, +), dubsByStatus: byStatus,
                voices: try Voice.fetchCount(db), datasets: try Dataset.fetchCount(db),
                exports: try ExportRecord.fetchCount(db), creditsUsed: credits,
                mediaBytes: try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(byte_count), 0) FROM media") ?? 0)
        }
    }
}
