import DubKit
import DubKitPostgres
import DubKitTestSupport
import Foundation
import GRDB
import PostgresNIO
import Testing

/// A table's columns in order: name, declared type, NOT NULL, part of the primary key.
private struct ColumnShape: Equatable, CustomStringConvertible {
    var name: String
    var type: String
    var notNull: Bool
    var primaryKey: Bool

    var description: String { "\(name) \(type)\(notNull ? " NOT NULL" : "")\(primaryKey ? " PK" : "")" }
}

@Suite("PostgreSQL schema", .serialized)
struct PostgresSchemaTests {
    @Test("the PostgreSQL migrations are SQLite's, by name and in order")
    func sameMigrationNames() async throws {
        let applied = try await TestPostgres.withFreshSchema { store in try await store.appliedMigrations() }
        #expect(applied == StoreMigrations.names)
        #expect(StoreMigrations.names.first == "v1-domain-model" && StoreMigrations.names.count >= 12)
    }

    @Test("an empty database is migrated: every table and column of the SQLite store, in order, same NOT NULLs, keys and kinds of type")
    func everyTableAndColumn() async throws {
        let sqlite = try Self.sqliteShape()
        let postgres = try await TestPostgres.withFreshSchema { store in try await Self.postgresShape(store) }
        #expect(Set(postgres.keys) == Set(sqlite.keys), "tables differ")
        for (table, columns) in sqlite {
            let other = postgres[table] ?? []
            #expect(other.map(\.name) == columns.map(\.name), "columns of \(table)")
            for (column, pgColumn) in zip(columns, other) where column.name == pgColumn.name {
                // SQLite lets an INTEGER PRIMARY KEY be NULL on paper; PostgreSQL's keys never are.
                #expect(pgColumn.notNull == (column.notNull || column.primaryKey), "NOT NULL of \(table).\(column.name)")
                #expect(pgColumn.primaryKey == column.primaryKey, "primary key of \(table).\(column.name)")
                #expect(Self.sameKind(sqlite: column.type, postgres: pgColumn.type, column: column.name),
                        "\(table).\(column.name): SQLite \(column.type), PostgreSQL \(pgColumn.type)")
            }
        }
        #expect(sqlite["dub"]?.contains { $0.name == "claim_fence" } == true)
        #expect(sqlite["paid_call"] != nil)
    }

    @Test("migrating twice is a no-op: nothing applied, nothing changed")
    func migrateTwice() async throws {
        try await TestPostgres.withFreshSchema(migrated: false) { store in
            #expect(try await store.migrate() == StoreMigrations.names)
            let before = try await Self.postgresShape(store)
            let transitions = try await TestPostgres.integer("SELECT count(*) FROM lifecycle_transition", in: store)
            #expect(try await store.migrate() == [])
            #expect(try await Self.postgresShape(store) == before)
            #expect(try await store.appliedMigrations() == StoreMigrations.names)
            #expect(try await TestPostgres.integer("SELECT count(*) FROM lifecycle_transition", in: store) == transitions)
            #expect(transitions > 20)
        }
    }

    @Test("a schema a newer DubKit migrated is refused, naming the migrations this build lacks, without the password")
    func newerSchemaRefused() async throws {
        let url = try TestPostgres.url()
        let password = try #require(url.split(separator: "@").first?.split(separator: ":").last.map(String.init))
        try await TestPostgres.withFreshSchema { store in
            _ = try await store.query("INSERT INTO dubkit_migration (identifier) VALUES ('v99-from-a-newer-dubkit')", stage: "test")
            do {
                try await store.migrate()
                Issue.record("a newer schema was migrated")
            } catch let error as PostgresStoreError {
                #expect(error == .storeTooNew(store: store.address.description, schema: store.schema,
                                              unknownMigrations: ["v99-from-a-newer-dubkit"]))
                #expect(!(error.errorDescription ?? "").contains(password))
                #expect((error.errorDescription ?? "").contains("v99-from-a-newer-dubkit"))
            }
        }
    }

    @Test("the guards hold on PostgreSQL too: a status change outside the lifecycle table and any change to the event log are refused")
    func guards() async throws {
        try await TestPostgres.withFreshSchema { store in
            let id = try #require(try await store.query("""
                INSERT INTO dub (provider_id, voice_ref, source_kind, source, status, created_at, updated_at)
                VALUES ('local', 'bright', 'file', 'a.wav', 'new', now(), now()) RETURNING id
                """, stage: "test").first?.decode(Int64.self))
            await #expect(throws: PostgresStoreError.self) {
                _ = try await store.query("UPDATE dub SET status = 'done' WHERE id = \(id)", stage: "test")
            }
            _ = try await store.query("UPDATE dub SET status = 'uploading' WHERE id = \(id)", stage: "test")
            #expect(try await store.query("SELECT status FROM dub WHERE id = \(id)", stage: "test").first?.decode(String.self) == "uploading")
            _ = try await store.query("""
                INSERT INTO event (at, entity, entity_id, kind, message) VALUES (now(), 'dub', \(id), 'created', 'made')
                """, stage: "test")
            do {
                _ = try await store.query("UPDATE event SET message = 'rewritten'", stage: "test")
                Issue.record("the event log was rewritten")
            } catch let error as PostgresStoreError {
                #expect((error.errorDescription ?? "").contains("append-only"))
            }
            await #expect(throws: PostgresStoreError.self) {
                _ = try await store.query("DELETE FROM event", stage: "test")
            }
            // JSON columns keep their shape checks.
            await #expect(throws: PostgresStoreError.self) {
                _ = try await store.query("UPDATE dub SET parameters = '[1]' WHERE id = \(id)", stage: "test")
            }
        }
    }

    /// The SQLite store's tables as PRAGMA table_info tells them (bookkeeping tables left out).
    private static func sqliteShape() throws -> [String: [ColumnShape]] {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("compare")
        return try store.read { (db: Database) throws -> [String: [ColumnShape]] in
            var shape: [String: [ColumnShape]] = [:]
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """)
            for table in tables {
                shape[table] = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { row in
                    ColumnShape(name: row["name"], type: (row["type"] as String).uppercased(), notNull: row["notnull"] as Int == 1,
                                primaryKey: row["pk"] as Int > 0)
                }
            }
            return shape
        }
    }

    /// The PostgreSQL schema's tables from information_schema (the migrations' own table left out).
    private static func postgresShape(_ store: PostgresStore) async throws -> [String: [ColumnShape]] {
        var keys = Set<[String]>()
        for row in try await store.query("""
            SELECT k.table_name::text, k.column_name::text FROM information_schema.table_constraints c
            JOIN information_schema.key_column_usage k
              ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
            WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = \(store.schema)
            """, stage: "test") {
            let (table, column) = try row.decode((String, String).self)
            keys.insert([table, column])
        }
        var shape: [String: [ColumnShape]] = [:]
        for row in try await store.query("""
            SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = \(store.schema) AND t.table_type = 'BASE TABLE' AND c.table_name <> 'dubkit_migration'
            ORDER BY c.table_name, c.ordinal_position
            """, stage: "test") {
            let (table, column, type, nullable) = try row.decode((String, String, String, String).self)
            shape[table, default: []].append(ColumnShape(name: column, type: type, notNull: nullable == "NO",
                                                         primaryKey: keys.contains([table, column])))
        }
        return shape
    }

    /// True when the PostgreSQL type holds what the SQLite column does (the dialect's mapping, checked
    /// by kind: numbers stay numbers, times times, JSON JSON, flags booleans).
    private static func sameKind(sqlite: String, postgres: String, column: String) -> Bool {
        let flags: Set = ["separate", "analysed"]
        let json: Set = ["languages", "genres", "styles", "parameters", "settings", "model_data", "sync_report", "training_parameters"]
        if flags.contains(column) { return postgres == "boolean" }
        if json.contains(column) { return postgres == "json" }
        switch sqlite {
        case "INTEGER": return postgres == "bigint"
        case "REAL": return postgres == "double precision"
        case "TEXT": return postgres == "text"
        case "DATETIME": return postgres == "timestamp with time zone"
        case "BOOLEAN": return postgres == "boolean"
        default: return false
        }
    }
}
