import DubKit
import Foundation

/// Which commands work on a PostgreSQL store so far (issue 21 moves the others one by one): any other
/// command given `--store postgres://…` (or `DUBKIT_STORE`) is refused before it does anything.
enum StoreSupport {
    /// The commands that work on PostgreSQL, by their full name.
    static let onPostgreSQL: Set<String> = ["dubkit dub create", "dubkit dub list", "dubkit dub show"]

    /// Refuses `invocation` when it names a PostgreSQL store and a command that works on SQLite only
    /// (``StoreSupportError/sqliteOnly(command:store:)``); a store that does not parse is refused as
    /// `StoreLocationError`.
    static func check(_ invocation: Invocation, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let leaf = invocation.path.last, Invocation.subcommands(of: leaf).isEmpty, invocation.path.count > 1 else { return }
        let location = try StoreLocation.resolve(option: invocation.store, environment: environment)
        guard case .postgres = location else { return }
        let command = Invocation.name(of: invocation.path)
        guard onPostgreSQL.contains(command) else { throw StoreSupportError.sqliteOnly(command: command, store: location.description) }
    }
}

/// A command that cannot work on the store it was given.
enum StoreSupportError: Error, LocalizedError, Equatable {
    /// The command works on SQLite projects only for now; `store` is the PostgreSQL URL without its password.
    case sqliteOnly(command: String, store: String)

    /// A stable machine-readable code.
    var code: String { "sqlite_only" }

    var errorDescription: String? {
        switch self {
        case let .sqliteOnly(command, store):
            "\(command) works on SQLite projects only for now, not on the PostgreSQL store \(store)"
        }
    }

    var recoverySuggestion: String? {
        "run it without --store and with DUBKIT_STORE unset (the workspace's SQLite projects); on PostgreSQL, "
            + StoreSupport.onPostgreSQL.sorted().joined(separator: ", ") + " work so far (docs/fleet.md)"
    }
}
