import DubKit
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Makes the project's schema ready for the commands: migrated, with its project row (named
    /// `name`). With `creating` a missing schema is made; without it a missing schema is
    /// ``DubKitError/notFound(entity:key:project:)`` (a project no one made, or a mistyped name).
    public func prepareProject(named name: String, creating: Bool) async throws {
        if !creating {
            let found = try await query("SELECT 1 FROM information_schema.schemata WHERE schema_name = \(schema)", stage: "find project")
            guard !found.isEmpty else { throw DubKitError.notFound(entity: .project, key: name, project: name) }
        }
        try await migrate()
        _ = try await query("""
            INSERT INTO project (id, name, created_at) VALUES (1, \(name), \(Date())) ON CONFLICT (id) DO NOTHING
            """, stage: "create project")
    }
}
