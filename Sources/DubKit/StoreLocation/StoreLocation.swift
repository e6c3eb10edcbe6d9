import Foundation

/// Where projects are stored: the SQLite default (one folder per project in the workspace) or a
/// shared PostgreSQL database, chosen by `--store URL`, else `DUBKIT_STORE`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// One SQLite file per project under the workspace (the default).
    case sqlite
    /// A PostgreSQL database shared by every machine of a fleet.
    case postgres(PostgresAddress)

    /// The environment variable that chooses the store when `--store` is not given.
    public static let environmentVariable = "DUBKIT_STORE"

    /// The store `option` (from `--store`) names, else `DUBKIT_STORE`, else SQLite. `sqlite` (or an
    /// empty value) names the SQLite default; anything else must be a `postgres://` URL.
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               home: URL = FileManager.default.homeDirectoryForCurrentUser) throws(StoreLocationError) -> StoreLocation {
        if let option, !option.isEmpty {
            return try parse(option, field: "--store", environment: environment, home: home)
        }
        if let text = environment[environmentVariable], !text.isEmpty {
            return try parse(text, field: environmentVariable, environment: environment, home: home)
        }
        return .sqlite
    }

    /// Reads one store location given in `field`.
    public static func parse(_ text: String, field: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                             home: URL = FileManager.default.homeDirectoryForCurrentUser) throws(StoreLocationError) -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "sqlite" { return .sqlite }
        return .postgres(try PostgresAddress.parse(trimmed, field: field, environment: environment, home: home))
    }

    /// `sqlite`, or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite: "sqlite"
        case let .postgres(address): address.description
        }
    }

    /// `text` with any password in a URL's `user:password@` part replaced by `***`, for messages about a
    /// URL that may not even parse. Conservative: everything between the first `:` after the scheme
    /// and the last `@` goes; without an `@`, whatever follows a `:` that is not a port number.
    public static func redacted(_ text: String) -> String {
        let rest = text.range(of: "//").map { text[$0.upperBound...] } ?? text[...]
        if let at = rest.lastIndex(of: "@") {
            guard let colon = rest[..<at].firstIndex(of: ":") else { return text }
            return String(text[..<rest.index(after: colon)]) + "***" + String(text[at...])
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        // An IPv6 host's colons are inside its brackets.
        let hostEnd = rest.hasPrefix("[") ? (rest[..<authorityEnd].firstIndex(of: "]") ?? rest.startIndex) : rest.startIndex
        guard let colon = rest[hostEnd..<authorityEnd].firstIndex(of: ":") else { return text }
        let after = rest[rest.index(after: colon)..<authorityEnd]
        if after.allSatisfy({ $0.isASCII && $0.isNumber }) { return text }
        return String(text[..<rest.index(after: colon)]) + "***" + String(text[authorityEnd...])
    }
}
