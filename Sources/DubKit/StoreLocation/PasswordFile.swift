import Foundation

/// libpq's password file (`~/.pgpass`, or `$PGPASSFILE`): lines `HOST:PORT:DATABASE:USER:PASSWORD`,
/// each of the first four a value or `*` (anything), `\:` and `\\` for a literal `:` and `\`, `#`
/// comments. The first matching line wins. A file others may read is refused, as API keys are.
public struct PasswordFile: Sendable {
    /// The file.
    public let path: URL

    /// `$PGPASSFILE`, else `.pgpass` in `home`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                home: URL = FileManager.default.homeDirectoryForCurrentUser) {
        if let file = environment["PGPASSFILE"], !file.isEmpty {
            path = URL(fileURLWithPath: (file as NSString).expandingTildeInPath)
        } else {
            path = home.appendingPathComponent(".pgpass")
        }
    }

    /// The password of the first line matching the connection; nil when the file does not exist or no
    /// line matches. Throws when the file exists but cannot be read or others may read it.
    public func password(host: String, port: Int, database: String, user: String) throws(StoreLocationError) -> String? {
        var info = stat()
        guard stat(path.path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .passwordFileUnreadable(path: path.path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & 0o170000 == 0o100000 else {
            throw .passwordFileUnreadable(path: path.path, reason: "it is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .passwordFileOpen(path: path.path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        let text: String
        do {
            text = try String(contentsOf: path, encoding: .utf8)
        } catch {
            throw .passwordFileUnreadable(path: path.path, reason: "it cannot be read as UTF-8 text")
        }
        return Self.password(in: text, host: host, port: port, database: database, user: user)
    }

    /// The password of the first line of `text` matching the connection.
    static func password(in text: String, host: String, port: Int, database: String, user: String) -> String? {
        let wanted = [host, String(port), database, user]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            guard !trimmed.hasPrefix("#") else { continue }
            let fields = Self.fields(of: trimmed)
            guard fields.count >= 5 else { continue }
            let matches = zip(fields.prefix(4), wanted).allSatisfy { field, value in field.isWildcard || field.text == value }
            if matches { return fields[4].text }
        }
        return nil
    }

    /// A line's fields, split at unescaped `:`, escapes taken out; a field that was a bare `*` is a wildcard.
    static func fields(of line: Substring) -> [(text: String, isWildcard: Bool)] {
        var fields: [(text: String, isWildcard: Bool)] = []
        var current = ""
        var raw = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                raw.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
                raw.append(character)
            } else if character == ":" {
                fields.append((current, raw == "*"))
                current = ""
                raw = ""
            } else {
                current.append(character)
                raw.append(character)
            }
        }
        fields.append((current, raw == "*"))
        return fields
    }
}
