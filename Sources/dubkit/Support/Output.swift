import DubKit
import Foundation

/// Prints results on stdout: JSON for scripts, aligned tables and key/value lines for people.
enum Output {
    /// Stable JSON: lowerCamelCase keys, ISO-8601 times in UTC, sorted keys, every key present
    /// (null when its value is absent), so one command's objects always have the same shape.
    static func json<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try JSONOutput.encode(value, pretty: true))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// One value as one line of JSON (for streams of changes, one object per line).
    static func jsonLine<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try JSONOutput.encode(value, pretty: false))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Dubs as ``json(_:)`` prints them, written as they are formatted rather than through an encoder;
    /// rows that could not be read as dubs are listed in their place as damaged.
    static func json(dubs: [Dub], damaged: [DamagedRecord.Listed] = []) throws {
        try DubListJSON.write(dubs, damaged: damaged) { chunk in FileHandle.standardOutput.write(Data(chunk)) }
        FileHandle.standardOutput.write(Data("\n".utf8))
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
