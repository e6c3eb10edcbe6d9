import DubKit
import PostgresNIO

extension PostgresStore {
    /// The table that lists the migrations applied to the project's schema.
    static let migrationTable = "dubkit_migration"

    /// Brings the project's schema up to date: creates it when missing and applies the migrations it
    /// lacks, all in one transaction under an advisory lock (so machines starting together migrate
    /// once), then makes `lifecycle_transition` equal the Swift tables. Returns the migrations applied
    /// (none when the schema was up to date, and then nothing is written). Throws
    /// ``PostgresStoreError/storeTooNew(store:schema:unknownMigrations:)`` for a schema a newer DubKit wrote.
    @discardableResult
    public func migrate() async throws -> [String] {
        let quoted = PostgresDialect.quoted(schema)
        return try await transaction(stage: "migrate") { connection in
            _ = try await rows("SELECT pg_advisory_xact_lock(hashtext('dubkit-migrate:' || \(schema)))", on: connection)
            _ = try await rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(quoted)"), on: connection)
            _ = try await rows(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(quoted)"), on: connection)
            _ = try await rows(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(Self.migrationTable) (
                    id BIGINT GENERATED ALWAYS AS IDENTITY,
                    identifier TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """), on: connection)
            var applied = Set<String>()
            for try await identifier in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT identifier FROM \(Self.migrationTable)"), logger: logger).decode(String.self) {
                applied.insert(identifier)
            }
            let known = PostgresSchema.migrations.map(\.name)
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else {
                throw PostgresStoreError.storeTooNew(store: address.description, schema: schema, unknownMigrations: unknown.sorted())
            }
            var ran: [String] = []
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    _ = try await rows(PostgresQuery(unsafeSQL: statement), on: connection)
                }
                _ = try await rows("INSERT INTO dubkit_migration (identifier) VALUES (\(migration.name))", on: connection)
                ran.append(migration.name)
            }
            try await syncTransitionTable(on: connection)
            return ran
        }
    }

    /// The migrations applied to the project's schema, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        var names: [String] = []
        for row in try await query("SELECT identifier FROM dubkit_migration ORDER BY id", stage: "read migrations") {
            names.append(try row.decode(String.self))
        }
        return names
    }

    /// Makes `lifecycle_transition` (read by the status guard triggers) equal the Swift transition
    /// tables; reads first, so an up-to-date schema is not written.
    private func syncTransitionTable(on connection: PostgresConnection) async throws {
        let wanted = Set(Self.edges(DubStatus.self) + Self.edges(VoiceStatus.self))
        var stored = Set<[String]>()
        for try await (entity, from, to) in try await connection.query(
            "SELECT entity, from_status, to_status FROM lifecycle_transition", logger: logger).decode((String, String, String).self) {
            stored.insert([entity, from, to])
        }
        guard stored != wanted else { return }
        _ = try await rows("DELETE FROM lifecycle_transition", on: connection)
        for edge in wanted.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            _ = try await rows("INSERT INTO lifecycle_transition (entity, from_status, to_status) VALUES (\(edge[0]), \(edge[1]), \(edge[2]))",
                               on: connection)
        }
    }

    /// Every allowed (entity, from, to) change of a lifecycle.
    private static func edges<S: LifecycleStatus>(_: S.Type) -> [[String]] {
        S.allCases.flatMap { from in from.successors.map { [S.entity.rawValue, from.rawValue, $0.rawValue] } }
    }
}
