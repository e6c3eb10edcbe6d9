import Foundation

/// Why a store location (`--store`, `DUBKIT_STORE`) or its password file cannot be used. Every URL a
/// message shows has its password taken out.
public enum StoreLocationError: Error, Sendable, Equatable {
    /// Neither a `postgres://` / `postgresql://` URL nor `sqlite`.
    case unsupportedForm(field: String, value: String)
    /// A part of the URL (host, port, user, database, a parameter's value) is missing or wrong.
    case invalidPart(field: String, url: String, part: String, problem: String)
    /// A URL parameter DubKit does not know (only `sslmode` and `sslrootcert` are read).
    case unknownParameter(field: String, url: String, name: String)
    /// The password file exists but cannot be read, or is not a regular file.
    case passwordFileUnreadable(path: String, reason: String)
    /// The password file can be read or written by others than its owner.
    case passwordFileOpen(path: String, mode: String)
}

extension StoreLocationError: LocalizedError {
    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .unsupportedForm, .invalidPart, .unknownParameter: "invalid_store"
        case .passwordFileUnreadable, .passwordFileOpen: "password_file"
        }
    }

    /// What is wrong, naming the option or variable and the part of the URL.
    public var errorDescription: String? {
        switch self {
        case let .unsupportedForm(field, value):
            "\(field) \(value.debugDescription) is not a store DubKit knows"
        case let .invalidPart(field, url, part, problem):
            "\(field) \(url): its \(part) \(problem)"
        case let .unknownParameter(field, url, name):
            "\(field) \(url): unknown parameter '\(name)'"
        case let .passwordFileUnreadable(path, reason):
            "password file \(path) cannot be used: \(reason)"
        case let .passwordFileOpen(path, mode):
            "password file \(path) has mode \(mode): others can read it, so it is not used"
        }
    }

    /// What to do.
    public var recoverySuggestion: String? {
        switch self {
        case .unsupportedForm:
            "give postgres://USER@HOST[:PORT]/DATABASE[?sslmode=require], or leave it unset for the SQLite store"
        case let .invalidPart(_, _, part, _):
            switch part {
            case "password":
                "percent-encode the password's special characters, or leave it out of the URL and use PGPASSWORD or ~/.pgpass"
            case "sslmode":
                "use one of " + PostgresTLSMode.allCases.map(\.rawValue).joined(separator: ", ")
            default:
                "write it as postgres://USER@HOST[:PORT]/DATABASE[?sslmode=require] (percent-encode special characters)"
            }
        case .unknownParameter:
            "only sslmode and sslrootcert are read; the password goes in the URL, PGPASSWORD or ~/.pgpass"
        case .passwordFileUnreadable:
            "make it a readable file of lines HOST:PORT:DATABASE:USER:PASSWORD, or set PGPASSFILE to one"
        case let .passwordFileOpen(path, _):
            "chmod 600 \(ShellWord.quoted(path))"
        }
    }
}
