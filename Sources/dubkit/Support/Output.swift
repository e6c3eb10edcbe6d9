import DubKit
import Foundation

/// Prints results on stdout: JSON for scripts, aligned tables and key/value lines for people.
enum Output {
    /// Stable JSON: lowerCamelCase keys, ISO-8601 times in UTC, sorted keys.
    static func json<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try encoder(pretty: true).encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// One value as one line of JSON (for streams of changes, one object per line).
    static func jsonLine<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try encoder(pretty: false).encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    private static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // The store's snake_case keys repeat on every row: convert each once (a listing of 10,000
        // dubs otherwise spends a third of its time here).
        let keys = CamelKeyCache()
        encoder.keyEncodingStrategy = .custom { path in keys.key(for: path.last?.stringValue ?? "") }
        return encoder
    }

    /// `snake_case` → `snakeCase`; keys without underscores are left as they are.
    static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first, parts.count > 1 else { return key }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A table with a header row; columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]], empty: String) {
        guard !rows.isEmpty else {
            print(empty)
            return
        }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// `key: value` lines with the keys aligned.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            print((key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + value)
        }
    }

    /// A time as people read it, in UTC.
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(Date.ISO8601FormatStyle())
    }

    static func optional<T: CustomStringConvertible>(_ value: T?) -> String {
        value.map(\.description) ?? "-"
    }
}

/// Converted keys by their snake_case form, shared by one encoding.
private final class CamelKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: CamelKey] = [:]

    func key(for name: String) -> CamelKey {
        lock.lock()
        defer { lock.unlock() }
        if let known = keys[name] { return known }
        let key = CamelKey(stringValue: Output.camelCase(name))
        keys[name] = key
        return key
    }
}

private struct CamelKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
