import DubKit
import DubKitPostgres
import Foundation
import PostgresNIO

/// The PostgreSQL server the tests run against, named by `DUBKIT_TEST_POSTGRES`. Without it every test
/// here fails, saying how to start one: they never skip.
enum TestPostgres {
    /// The variable holding the server's URL (password included).
    static let variable = "DUBKIT_TEST_POSTGRES"

    /// Thrown when no server is named.
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "\(TestPostgres.variable) is not set, so the PostgreSQL store cannot be tested. `bash scripts/dev.sh test` "
                + "starts a server and runs every test; for these alone: eval \"$(bash scripts/dev.sh postgres-start)\", "
                + "then swift test --filter DubKitPostgresTests, then bash scripts/dev.sh postgres-stop."
        }
    }

    /// The test server's URL as given.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { throw Missing() }
        return url
    }

    /// The test server's address, its password taken from the URL only.
    static func address() throws -> PostgresAddress {
        try PostgresAddress.parse(try url(), field: variable, environment: [:], home: URL(fileURLWithPath: "/nonexistent"))
    }

    /// The certificate the test server presents (`bash scripts/dev.sh` makes it).
    static func certificate() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["DUBKIT_TEST_POSTGRES_CA"], !path.isEmpty else { throw Missing() }
        return path
    }

    /// A new schema name no other test uses.
    static func freshSchema() -> String {
        "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Runs `body` with a store in a fresh schema (migrated unless `migrated` is false), dropped afterwards.
    static func withFreshSchema<T: Sendable>(migrated: Bool = true, _ body: (PostgresStore) async throws -> T) async throws -> T {
        try await PostgresStore.withStore(try address(), schema: freshSchema(), maximumConnections: 4) { store in
            do {
                if migrated { try await store.migrate() }
                let value = try await body(store)
                try await drop(store.schema, in: store)
                return value
            } catch {
                try? await drop(store.schema, in: store)
                throw error
            }
        }
    }

    /// Drops a test's schema and everything in it.
    static func drop(_ schema: String, in store: PostgresStore) async throws {
        _ = try await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), stage: "drop test schema")
    }

    /// One integer a query returns.
    static func integer(_ sql: String, in store: PostgresStore) async throws -> Int64 {
        let rows = try await store.query(PostgresQuery(unsafeSQL: sql), stage: "test query")
        guard let row = rows.first else { return -1 }
        return try row.decode(Int64.self)
    }
}
