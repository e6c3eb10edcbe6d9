import Foundation
import GRDB

/// A row of the store this build cannot read as its record (a status it does not know, a value
/// written by another program or by hand), or a voice whose model its provider cannot use. It is kept
/// out of the work, reported as its own failure and listed as damaged, so the rest of the project
/// still runs and lists.
public struct DamagedRecord: Error, Sendable, Hashable, Codable {
    /// What the row is.
    public var entity: EntityKind
    public var id: Int64
    /// The column (or, for a model, the field inside it) that cannot be used.
    public var field: String
    /// What it holds, as stored.
    public var value: String
    /// What it may hold.
    public var allowed: String

    public init(entity: EntityKind, id: Int64, field: String, value: String, allowed: String) {
        self.entity = entity
        self.id = id
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    /// The error a command that needs the record reports.
    public func error(project: String) -> DubKitError {
        .damagedRecord(self, project: project)
    }

    /// A damaged row as listings print it with `--json`: its id and `"damaged": true` beside what is
    /// wrong and the message, in the place of the record it could not be read as.
    public struct Listed: Encodable, Sendable {
        public var id: Int64
        public var damaged = true
        public var entity: EntityKind
        /// The record's name when the row could be read (a voice's `PROVIDER:NAME`).
        public var name: String?
        public var field: String
        public var value: String
        public var allowed: String
        public var message: String

        public init(_ record: DamagedRecord, project: String, name: String? = nil) {
            id = record.id
            entity = record.entity
            self.name = name
            field = record.field
            value = record.value
            allowed = record.allowed
            message = record.error(project: project).errorDescription ?? "damaged"
        }
    }

    /// The one place a row is told apart as damaged: `row` read by `read` (the record's own row
    /// decoder), and when that fails, the failure as a damaged record naming the row's id and field.
    /// Public for the PostgreSQL store, which reads its rows through the same decoders.
    public static func reading<Record>(_ row: Row, as entity: EntityKind, _ read: (Row) throws -> Record) -> Result<Record, DamagedRecord> {
        do {
            return .success(try read(row))
        } catch {
            let id = ((try? row.decode(Int64?.self, forColumn: "id")) ?? nil) ?? 0
            return .failure(damage(error, entity: entity, id: id, row: row))
        }
    }

    /// Every row of `request` read by `read`: the records, and apart the rows that could not be read.
    static func readAll<Record>(_ request: some FetchRequest, in db: Database, as entity: EntityKind,
                                _ read: (Row) throws -> Record) throws -> (records: [Record], damaged: [DamagedRecord]) {
        var records: [Record] = []
        var damaged: [DamagedRecord] = []
        let rows = try Row.fetchCursor(db, request)
        while let row = try rows.next() {
            switch reading(row, as: entity, read) {
            case let .success(record): records.append(record)
            case let .failure(damage): damaged.append(damage)
            }
        }
        return (records, damaged)
    }

    /// What a decoding failure says about the row: the field and value it names, else the whole row.
    private static func damage(_ error: any Error, entity: EntityKind, id: Int64, row: Row) -> DamagedRecord {
        func stored(_ column: String) -> String {
            let value = ((try? row.decode(DatabaseValue?.self, forColumn: column)) ?? nil) ?? .null
            return value.isNull ? "NULL" : value.description
        }
        switch error {
        case let DubKitError.invalidField(field, value, allowed):
            // The record's decoder names the column as `table.column`.
            let column = field.split(separator: ".").last.map(String.init) ?? field
            return DamagedRecord(entity: entity, id: id, field: column, value: value, allowed: allowed)
        case let error as DecodingError:
            let context: DecodingError.Context? = switch error {
            case let .keyNotFound(_, context), let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                context
            @unknown default: nil
            }
            if let column = context?.codingPath.first?.stringValue {
                return DamagedRecord(entity: entity, id: id, field: column, value: stored(column),
                                     allowed: "a value this DubKit reads (\(context?.debugDescription ?? "unreadable"))")
            }
            return DamagedRecord(entity: entity, id: id, field: "row", value: "unreadable", allowed: "\(error)")
        case let error as RowDecodingError:
            // GRDB's own reading of a column failed (a time that is not one, a JSON column that is not
            // its record's): its message is the only place that names the column.
            let text = String(describing: error)
            guard let column = quoted(after: "column: ", in: text) else {
                return DamagedRecord(entity: entity, id: id, field: "row", value: "unreadable", allowed: text)
            }
            return DamagedRecord(entity: entity, id: id, field: column, value: stored(column),
                                 allowed: text.hasPrefix("could not decode Date ") ? Self.storedTime
                                     : "a value this DubKit reads (\(text.components(separatedBy: " - column: ")[0]))")
        default:
            return DamagedRecord(entity: entity, id: id, field: "row", value: "unreadable", allowed: "\(error)")
        }
    }

    /// What a time column may hold.
    static let storedTime = "a time as DubKit stores it (YYYY-MM-DD HH:MM:SS.SSS, UTC)"

    /// The double-quoted text right after `marker` in `text` (escapes not undone: column names have none).
    private static func quoted(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker + "\"")?.upperBound,
              let end = text[start...].firstIndex(of: "\"") else { return nil }
        return String(text[start..<end])
    }
}

extension Voice {
    /// What makes this trained voice unusable, when something does: a model that is not the JSON its
    /// provider handed back, or one `checker` (its provider) refuses; nil for a voice fit to dub with.
    public func modelDamage(checkedBy checker: (any VoiceModelChecking)?) -> DamagedRecord? {
        guard status == .done, let text = modelData, let id else { return nil }
        guard let model = modelDataValue else {
            return DamagedRecord(entity: .voice, id: id, field: "model_data",
                                 value: text.count > 40 ? "\(text.prefix(40))… (not JSON)" : "\(text.debugDescription) (not JSON)",
                                 allowed: "the JSON the provider handed back when it trained \(reference)")
        }
        do {
            try checker?.checkVoiceModel(model, voice: reference)
            return nil
        } catch {
            guard case let .invalidField(field, value, allowed) = error else {
                return DamagedRecord(entity: .voice, id: id, field: "model_data", value: "unusable", allowed: error.errorDescription ?? "")
            }
            let inside = field.hasPrefix("modelData") ? String(field.dropFirst("modelData".count)) : ".\(field)"
            return DamagedRecord(entity: .voice, id: id, field: "model_data" + inside, value: value, allowed: allowed)
        }
    }
}
