/// A store's password: kept out of every description, debug print, mirror and log line. Only the
/// PostgreSQL connector reads it (``text`` is package-internal).
public struct StorePassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The password itself; for the connection only, never to be printed.
    package let text: String

    /// Wraps a password read from a URL, the environment or a password file.
    public init(_ text: String) {
        self.text = text
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// No children: `dump` and reflection show nothing of the password.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Where a PostgreSQL store's password came from, in the order they are tried.
public enum StorePasswordSource: Sendable, Equatable, CustomStringConvertible {
    /// The URL's `user:password@` part.
    case url
    /// The `PGPASSWORD` environment variable.
    case environment
    /// A line of a password file (`~/.pgpass` or `$PGPASSFILE`).
    case passwordFile(path: String)
    /// No password anywhere: the server must not ask for one (trust or peer authentication).
    case none

    /// How it is shown: `the URL`, `$PGPASSWORD`, the file's path, `no password`.
    public var description: String {
        switch self {
        case .url: "the URL"
        case .environment: "$PGPASSWORD"
        case let .passwordFile(path): path
        case .none: "no password"
        }
    }
}
