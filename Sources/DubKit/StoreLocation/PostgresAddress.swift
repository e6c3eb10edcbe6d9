import Foundation

/// Where a PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…]`
/// (also `postgresql://`), with the password resolved from the URL, `PGPASSWORD` or the password file.
/// Its ``description`` never shows the password.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The role to log in as.
    public var user: String
    /// The server's host name or IP address (IPv6 without brackets).
    public var host: String
    /// The server's TCP port (5432 unless the URL says).
    public var port: Int
    /// The database (the user's name when the URL names none, as libpq does).
    public var database: String
    /// Whether the connection is encrypted (`sslmode`; libpq's default `prefer`).
    public var tls: PostgresTLSMode
    /// The certificates trusted for `verify-ca` / `verify-full` (`sslrootcert`); nil: the system's.
    public var rootCertificatePath: String?
    /// The password, when one was found.
    public var password: StorePassword?
    /// Where ``password`` came from.
    public var passwordSource: StorePasswordSource

    /// The port when the URL names none.
    public static let defaultPort = 5432

    /// The URL without its password: `postgres://user@host:5432/db?sslmode=require`.
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(Self.encode(user))@\(hostPart):\(port)/\(Self.encode(database))"
        var query: [String] = []
        if tls != .prefer { query.append("sslmode=\(tls.rawValue)") }
        if let rootCertificatePath { query.append("sslrootcert=\(Self.encode(rootCertificatePath))") }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// Parses a `postgres://` or `postgresql://` URL given in `field` (`--store`, `DUBKIT_STORE`), then
    /// finds its password: the URL's, else `PGPASSWORD`, else the first matching line of the password
    /// file (`$PGPASSFILE`, else `~/.pgpass` under `home`). A user missing from the URL is taken from `PGUSER`.
    public static func parse(_ text: String, field: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             home: URL = FileManager.default.homeDirectoryForCurrentUser) throws(StoreLocationError) -> PostgresAddress {
        var address = try parseURL(text, field: field, environment: environment)
        try address.resolvePassword(environment: environment, home: home)
        return address
    }

    /// Reads the URL alone: the password, when present, stays the URL's.
    static func parseURL(_ text: String, field: String, environment: [String: String]) throws(StoreLocationError) -> PostgresAddress {
        let shown = StoreLocation.redacted(text)
        func invalid(_ part: String, _ problem: String) -> StoreLocationError {
            .invalidPart(field: field, url: shown, part: part, problem: problem)
        }
        func decoded(_ raw: Substring, _ part: String) throws(StoreLocationError) -> String {
            guard let value = String(raw).removingPercentEncoding else { throw invalid(part, "has a broken %-escape") }
            return value
        }
        guard let schemeEnd = text.range(of: "://"),
              ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
            throw .unsupportedForm(field: field, value: shown)
        }
        let rest = text[schemeEnd.upperBound...]
        // The user part ends at the last '@', so a password may hold '/', '?' or '@' unescaped.
        let at = rest.lastIndex(of: "@")
        let userInfo = at.map { rest[..<$0] } ?? ""
        let afterUser = at.map { rest[rest.index(after: $0)...] } ?? rest
        let queryStart = afterUser.firstIndex(of: "?") ?? afterUser.endIndex
        let hostAndPath = afterUser[..<queryStart]
        let pathStart = hostAndPath.firstIndex(of: "/") ?? hostAndPath.endIndex
        let authority = hostAndPath[..<pathStart]

        var user = ""
        var password: StorePassword?
        if let colon = userInfo.firstIndex(of: ":") {
            user = try decoded(userInfo[..<colon], "user")
            guard let secret = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding else {
                throw invalid("password", "has a broken %-escape")
            }
            password = StorePassword(secret)
        } else {
            user = try decoded(userInfo, "user")
        }
        if user.isEmpty { user = environment["PGUSER"] ?? "" }
        guard !user.isEmpty else { throw invalid("user", "is missing (and PGUSER is not set)") }

        var host: String
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("host", "opens '[' and never closes it") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("host", "has text after ']' that is not :PORT") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = try decoded(authority[..<colon], "host")
            portText = authority[authority.index(after: colon)...]
        } else {
            host = try decoded(authority, "host")
        }
        guard !host.isEmpty else { throw invalid("host", "is missing") }
        guard !host.contains(","), !host.contains("/") else {
            throw invalid("host", "must be one host name or address (several hosts and socket paths are not supported)")
        }
        var port = defaultPort
        if let portText {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), (1...65_535).contains(number) else {
                throw invalid("port", "is not a number from 1 to 65535")
            }
            port = number
        }

        var database = pathStart < hostAndPath.endIndex
            ? try decoded(hostAndPath[hostAndPath.index(after: pathStart)...], "database") : ""
        if database.isEmpty { database = user }

        var tls = PostgresTLSMode.prefer
        var rootCertificate: String?
        if queryStart < afterUser.endIndex {
            for pair in afterUser[afterUser.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = try decoded(parts[0], "parameter name")
                let value = parts.count > 1 ? try decoded(parts[1], name) : ""
                switch name {
                case "sslmode":
                    guard let mode = PostgresTLSMode(rawValue: value) else {
                        throw invalid("sslmode", "'\(value)' is not an sslmode")
                    }
                    tls = mode
                case "sslrootcert":
                    guard !value.isEmpty else { throw invalid("sslrootcert", "is empty") }
                    rootCertificate = value
                default:
                    throw .unknownParameter(field: field, url: shown, name: name)
                }
            }
        }
        return PostgresAddress(user: user, host: host, port: port, database: database, tls: tls,
                               rootCertificatePath: rootCertificate, password: password,
                               passwordSource: password == nil ? .none : .url)
    }

    /// Fills ``password`` when the URL had none: `PGPASSWORD`, else the password file.
    mutating func resolvePassword(environment: [String: String], home: URL) throws(StoreLocationError) {
        guard password == nil else { return }
        if let secret = environment["PGPASSWORD"], !secret.isEmpty {
            password = StorePassword(secret)
            passwordSource = .environment
            return
        }
        let file = PasswordFile(environment: environment, home: home)
        if let secret = try file.password(host: host, port: port, database: database, user: user) {
            password = StorePassword(secret)
            passwordSource = .passwordFile(path: file.path.path)
        }
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// An address from its parts; `passwordSource` only counts when a password is given.
    public init(user: String, host: String, port: Int = PostgresAddress.defaultPort, database: String,
                tls: PostgresTLSMode = .prefer, rootCertificatePath: String? = nil,
                password: StorePassword? = nil, passwordSource: StorePasswordSource = .none) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
        self.password = password
        self.passwordSource = password == nil ? .none : passwordSource
    }
}
