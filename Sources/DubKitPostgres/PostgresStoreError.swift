import DubKit
import Foundation
import PostgresNIO

/// Why the PostgreSQL store failed. Messages name the store by its URL without the password, and the
/// stage that failed (connect, migrate, claim…); the server's own message is kept when it sent one.
public enum PostgresStoreError: Error, Sendable, Equatable {
    /// The server could not be reached, or refused the login (wrong password, no such role or database).
    case unreachable(store: String, reason: String)
    /// The server refused a statement (`sqlState` is PostgreSQL's error code).
    case refused(store: String, stage: String, sqlState: String, message: String)
    /// The project's schema has migrations this build does not know: a newer DubKit wrote it.
    case storeTooNew(store: String, schema: String, unknownMigrations: [String])
    /// A schema name that is not a plain identifier.
    case invalidSchemaName(name: String)
    /// A configuration the TLS library refused (an unreadable `sslrootcert`).
    case tlsSetup(store: String, reason: String)

    /// Makes any error thrown by postgres-nio one of ours, naming `stage`. The password is never part of
    /// what postgres-nio reports.
    static func wrap(_ error: any Error, store: PostgresAddress, stage: String) -> any Error {
        if error is PostgresStoreError || error is DubKitError || error is CancellationError { return error }
        guard let error = error as? PSQLError else {
            return PostgresStoreError.unreachable(store: store.description, reason: "\(stage): \(error)")
        }
        if let info = error.serverInfo, let state = info[.sqlState] {
            let message = [info[.message], info[.detail]].compactMap { $0 }.joined(separator: ": ")
            // Class 28 is a refused login; 3D000 a database that does not exist.
            if state.hasPrefix("28") || state == "3D000" {
                return PostgresStoreError.unreachable(store: store.description, reason: message)
            }
            return PostgresStoreError.refused(store: store.description, stage: stage, sqlState: state, message: message)
        }
        let underlying = error.underlying.map { "\($0)" } ?? error.code.description
        return PostgresStoreError.unreachable(store: store.description, reason: "\(stage): \(underlying)")
    }
}

extension PostgresStoreError: LocalizedError {
    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .unreachable: "store_unreachable"
        case .refused: "storage"
        case .storeTooNew: "store_too_new"
        case .invalidSchemaName: "invalid_field"
        case .tlsSetup: "store_tls"
        }
    }

    /// What went wrong, naming the store (without its password) and the stage.
    public var errorDescription: String? {
        switch self {
        case let .unreachable(store, reason):
            "PostgreSQL store \(store) cannot be reached: \(reason)"
        case let .refused(store, stage, state, message):
            "PostgreSQL store \(store): \(stage) was refused (\(state)): \(message)"
        case let .storeTooNew(store, schema, unknown):
            "PostgreSQL store \(store), schema \(schema), was written by a newer DubKit (unknown migrations: \(unknown.joined(separator: ", ")))"
        case let .invalidSchemaName(name):
            "schema name \(name.debugDescription) is not accepted: allowed 1 to 63 letters, digits and '_', starting with a letter or '_'"
        case let .tlsSetup(store, reason):
            "PostgreSQL store \(store): TLS cannot be set up: \(reason)"
        }
    }

    /// What to do next.
    public var recoverySuggestion: String? {
        switch self {
        case .unreachable:
            "check the server runs and the URL's host, port, user and database; the password comes from the URL, "
                + "PGPASSWORD or ~/.pgpass (for the tests: `bash scripts/dev.sh test` starts a server)"
        case .refused:
            "check the role may create and write tables in that database; the server's log has the statement"
        case .storeTooNew:
            "upgrade DubKit on this machine to the version the other machines of the fleet run"
        case .invalidSchemaName:
            nil
        case .tlsSetup:
            "give sslrootcert as the path of a readable PEM file of the certificates to trust"
        }
    }
}
