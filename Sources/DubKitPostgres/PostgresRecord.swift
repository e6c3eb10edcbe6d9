import DubKit
import Foundation
import GRDB
import PostgresNIO

/// Rows of the PostgreSQL store read as the SQLite store's are: each PostgreSQL row becomes a GRDB
/// row holding the values SQLite would (integers, reals, text; times as the store's UTC text; JSON as
/// its text), so the records' own decoders (`Dub(row:)`, `StageAttempt(row:)`, `Event(row:)`, a
/// `PaidCall`'s) read both stores the same way, and a damaged value is reported the same way.
enum PostgresRecord {
    /// `row` as a GRDB row, column by column.
    static func row(_ row: PostgresRow) throws -> GRDB.Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            values[cell.columnName] = try value(of: cell)
        }
        return GRDB.Row(values)
    }

    /// One cell as the value SQLite holds for it.
    private static func value(of cell: PostgresCell) throws -> any DatabaseValueConvertible {
        guard cell.bytes != nil else { return DatabaseValue.null }
        switch cell.dataType {
        case .int2, .int4, .int8: return try cell.decode(Int64.self, context: .default)
        case .float4, .float8: return try cell.decode(Double.self, context: .default)
        case .bool: return try cell.decode(Bool.self, context: .default)
        case .timestamptz, .timestamp: return try cell.decode(Date.self, context: .default)
        default: return try cell.decode(String.self, context: .default)
        }
    }

    /// The text SQLite stores for a JSON column's value (`DubParameters`, `SyncReport`), nil for none.
    static func jsonText(_ value: (some DatabaseValueConvertible)?) -> String? {
        guard let value, case let .string(text) = value.databaseValue.storage else { return nil }
        return text
    }

    /// Each row read by `read`: the records, and apart the rows that could not be read (as
    /// `DamagedRecord`s naming the row and its field).
    static func readAll<Record>(_ rows: [PostgresRow], as entity: EntityKind,
                                _ read: (GRDB.Row) throws -> Record) throws -> (records: [Record], damaged: [DamagedRecord]) {
        var records: [Record] = []
        var damaged: [DamagedRecord] = []
        for row in rows {
            switch DamagedRecord.reading(try Self.row(row), as: entity, read) {
            case let .success(record): records.append(record)
            case let .failure(damage): damaged.append(damage)
            }
        }
        return (records, damaged)
    }

    /// The first of `rows` read by `read`, nil when there is none.
    static func first<Record>(_ rows: [PostgresRow], _ read: (GRDB.Row) throws -> Record) throws -> Record? {
        guard let row = rows.first else { return nil }
        return try read(try Self.row(row))
    }
}
