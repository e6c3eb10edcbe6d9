import Foundation
import GRDB

/// A record of a project's store, read and written by GRDB's `Codable` record support: its coding
/// keys are its columns (the one place their names are written; queries use them as `Columns`), and
/// GRDB builds rows, reads them and updates only the changed columns (`updateChanges`) from them.
///
/// Dates are written as GRDB writes them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC) by ``UTCDateText``, without
/// GRDB's DateFormatter, which was a large part of every write; they are read by GRDB itself.
public protocol StoreRecord: Codable, FetchableRecord, MutablePersistableRecord {}

extension StoreRecord {
    /// The store's date text, made without a DateFormatter (the same text as GRDB's own).
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { UTCDateText.storeValue($0) }
    }
}

/// A value stored as its raw text (a status, a kind): read from a row, an unknown text is refused with
/// ``DubKitError/invalidField(field:value:allowed:)`` naming the column and every known value, which
/// is how a row written by another program is reported as damaged (``DamagedRecord``).
public protocol StoredEnum: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension StoredEnum {
    /// Reads the raw text; an unknown one throws, naming the key (the column) it was read for.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DubKitError.invalidField(field: decoder.codingPath.last?.stringValue ?? "value", value: raw,
                                           allowed: Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = value
    }
}

extension Row {
    /// The stored raw text of `column` as a value of `E`; an unknown text throws
    /// ``DubKitError/invalidField(field:value:allowed:)`` naming the column and every known value, as
    /// ``StoredEnum``'s Codable decoding does (records read column by column use this).
    func known<E: RawRepresentable & CaseIterable>(_ column: some CodingKey) throws -> E where E.RawValue == String {
        let raw: String = try decode(forColumn: column.stringValue)
        guard let value = E(rawValue: raw) else {
            throw DubKitError.invalidField(field: column.stringValue, value: raw,
                                           allowed: E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}

/// JSON columns (`dub.parameters`, `dub.sync_report`, `voice.training_parameters`) as GRDB's record
/// encoder writes them, so rows stay byte for byte what earlier builds wrote.
enum StoreJSON {
    /// `value` as GRDB's default JSON encoder for records writes it (sorted keys); nil for a value
    /// it cannot write (a non-finite number), which the column's NOT NULL or CHECK then refuses.
    static func text(_ value: some Encodable, column: String) -> DatabaseValue {
        guard let data = try? ProjectInfo.databaseJSONEncoder(for: column).encode(value) else { return .null }
        return String(decoding: data, as: UTF8.self).databaseValue
    }
}

extension DubParameters: DatabaseValueConvertible {
    /// The parameters as stored: `{}` for none, else their JSON object.
    public var databaseValue: DatabaseValue {
        values.isEmpty ? "{}".databaseValue : StoreJSON.text(self, column: "parameters")
    }

    /// Parameters read from their stored JSON object (`{}` without a JSON decoder: most dubs have none).
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> DubParameters? {
        guard let text = String.fromDatabaseValue(dbValue) else { return nil }
        return text == "{}" ? .empty : try? DubParameters(json: text)
    }
}

extension SyncReport: DatabaseValueConvertible {
    /// The report as stored: GRDB's compact JSON of it.
    public var databaseValue: DatabaseValue {
        StoreJSON.text(self, column: "sync_report")
    }

    /// A report read from its stored JSON (``decodeStored(_:)``: the store's own shape without JSONDecoder).
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> SyncReport? {
        String.fromDatabaseValue(dbValue).flatMap(decodeStored)
    }
}
