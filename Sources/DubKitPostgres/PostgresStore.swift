import DubKit
import Logging
import PostgresNIO

/// One project's tables in a PostgreSQL database: a pool of connections (postgres-nio's
/// `PostgresClient`) whose every connection works in the project's schema.
///
/// It implements the dub side of the store (``DubStore``: dubs, stages, the log, claims, the paid-call
/// ledger, the providers' shared pacing) with the SQLite store's rules and errors; voices, datasets,
/// budgets, deletion and the CLI are later steps of issue 21.
public final class PostgresStore: Sendable {
    /// Where the database is (its description never shows the password).
    public let address: PostgresAddress
    /// The PostgreSQL schema that holds the project's tables.
    public let schema: String
    /// The claim every write of this store is conditional on (see ``fenced(by:)``); nil for a plain store.
    public let claim: Claim?
    let client: PostgresClient
    let logger: Logger

    private init(address: PostgresAddress, schema: String, client: PostgresClient, logger: Logger, claim: Claim? = nil) {
        self.address = address
        self.schema = schema
        self.client = client
        self.logger = logger
        self.claim = claim
    }

    /// The project's name, as errors name it: its schema.
    public var name: String { schema }

    /// The same store (the same pool), with every write made conditional on `claim`: a write whose
    /// claim was taken over is refused with ``DubKitError/claimLost(entity:id:fence:holder:)``, and
    /// every accepted write renews the claim's lease.
    public func fenced(by claim: Claim) -> PostgresStore {
        PostgresStore(address: address, schema: schema, client: client, logger: logger, claim: claim)
    }

    /// The same store with no claim: its writes are not conditional.
    public var unfenced: PostgresStore {
        claim == nil ? self : PostgresStore(address: address, schema: schema, client: client, logger: logger)
    }

    /// Checks `address` can be reached and logged in to, opens a pool of at most `maximumConnections`
    /// connections working in `schema`, runs `body` with the store, and closes the pool when it returns.
    public static func withStore<T: Sendable>(_ address: PostgresAddress, schema: String, maximumConnections: Int = 8,
                                              _ body: (PostgresStore) async throws -> T) async throws -> T {
        guard PostgresDialect.isPlainIdentifier(schema) else { throw PostgresStoreError.invalidSchemaName(name: schema) }
        let logger = Logger(label: "dubkit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        try await check(address, logger: logger)
        let client = PostgresClient(configuration: address.clientConfiguration(schema: schema, maximumConnections: maximumConnections),
                                    backgroundLogger: logger)
        let store = PostgresStore(address: address, schema: schema, client: client, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// One connection made and closed before the pool starts, so a server that is down or a refused
    /// login fails at once with a message naming the store, not after the pool's retries.
    private static func check(_ address: PostgresAddress, logger: Logger) async throws {
        let configuration = try address.connectionConfiguration()
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw PostgresStoreError.wrap(error, store: address, stage: "connect")
        }
    }

    /// Runs `body` in one transaction on one connection of the pool: all of it is stored, or none.
    /// Errors of `body` are rethrown as they are (a ``DubKitError`` stays one); the server's become
    /// ``PostgresStoreError`` naming `stage`.
    public func transaction<T: Sendable>(stage: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw PostgresStoreError.wrap(error, store: address, stage: stage)
        }
    }

    /// Runs `body` in one transaction conditional on the store's claim, when it has one (as
    /// ``write(fencedBy:stage:_:)``), else in a plain ``transaction(stage:_:)``.
    func writing<T: Sendable>(stage: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        if let claim { return try await write(fencedBy: claim, stage: stage, body) }
        return try await transaction(stage: stage, body)
    }

    /// Runs one statement (atomic by itself) on a connection of the pool and returns its rows.
    public func query(_ query: PostgresQuery, stage: String) async throws -> [PostgresRow] {
        do {
            return try await client.withConnection { connection in
                try await Array(connection.query(query, logger: logger).collect())
            }
        } catch {
            throw PostgresStoreError.wrap(error, store: address, stage: stage)
        }
    }

    /// Runs one statement on `connection` (inside a ``transaction(stage:_:)``) and returns its rows.
    public func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await Array(connection.query(query, logger: logger).collect())
    }
}
