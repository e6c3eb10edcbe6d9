@testable import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

/// Records are written by GRDB's Codable support with the store's own date text and JSON columns
/// (``StoreRecord``); what reaches the store must be what GRDB's plain Codable path writes, value for value.
@Suite("Records written by hand")
struct RecordEncodingTests {
    /// Encodes a record through its Codable conformance, the way GRDB did before the hand-written encoders.
    struct ViaCodable<Wrapped: Encodable & TableRecord>: EncodableRecord, Encodable, TableRecord {
        static var databaseTableName: String { Wrapped.databaseTableName }
        let record: Wrapped
        func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
    }

    /// Decodes a record through its Codable conformance.
    struct ViaDecodable<Wrapped: Decodable>: FetchableRecord, Decodable {
        let record: Wrapped
        init(from decoder: any Decoder) throws { record = try Wrapped(from: decoder) }
    }

    static func dubs() throws -> [Dub] {
        let plain = try Dub(providerID: "voicedub", voiceRef: "abc", sourceKind: .file, source: "/tmp/a b/ç.wav")
        var full = try Dub(providerID: "local", voiceRef: "deep", voiceID: 3, sourceKind: .link,
                           source: "https://example.com/v?x=1&y=é", pitchShift: -7, separate: true,
                           parameters: try DubParameters([
                               "path": .string("a/b\\c \"q\" \u{1}\u{7f} ünï 🎙"), "rate": .number(0.1), "count": .number(3),
                               "big": .number(1e20), "flags": .array([.bool(true), .null, .number(-2.5)]),
                               "nested": .object(["z": .string("</tag>"), "a": .object([:])]), "snake_key": .bool(false),
                           ]),
                           now: Date(timeIntervalSince1970: 1_700_000_000.123456))
        full.id = 42
        full.linkMediaHash = String(repeating: "a", count: 64)
        full.sourceMediaHash = String(repeating: "b", count: 64)
        full.resultMediaHash = String(repeating: "c", count: 64)
        full.providerJobID = "job/1"
        full.inputDurationMs = 61_500
        full.creditsRequired = 11
        full.creditsUsed = 10
        full.errorCode = "boom"
        full.errorMessage = "it went \"wrong\"\n"
        full.updatedAt = Date(timeIntervalSince1970: 1_700_000_100.5)
        full.syncReport = SyncReport(
            lengthDifferenceMs: -30,
            segments: [.init(sourceStartMs: 0, sourceEndMs: 900, startOffsetMs: 10, endOffsetMs: -20)],
            unmatchedSegments: 1, maxDriftMs: 20, thresholdMs: 100, flagged: false)
        var empty = full
        empty.syncReport = SyncReport(lengthDifferenceMs: 0, segments: [], unmatchedSegments: 0, maxDriftMs: 0,
                                      thresholdMs: 100, flagged: false)
        return [plain, full, empty]
    }

    static func attempts() -> [StageAttempt] {
        [
            StageAttempt(dubID: 1, voiceID: nil, stage: .upload, attempt: 1, outcome: .running, providerJobID: nil,
                         requestFingerprint: nil, startedAt: Date(timeIntervalSince1970: 1_700_000_000)),
            StageAttempt(id: 9, dubID: nil, voiceID: 4, stage: .train, attempt: 3, outcome: .failed, providerJobID: "v-1",
                         requestFingerprint: "f00d", startedAt: Date(timeIntervalSince1970: 1_700_000_000.25),
                         finishedAt: Date(timeIntervalSince1970: 1_700_000_009.75), errorCode: "interrupted",
                         errorMessage: "cut off; tried again"),
        ]
    }

    @Test("a dub's columns (parameters and sync report JSON included) are those the Codable path wrote")
    func dubColumns() throws {
        for dub in try Self.dubs() {
            #expect(try dub.databaseDictionary == ViaCodable(record: dub).databaseDictionary)
        }
    }

    @Test("a stage attempt's and an event's columns are those the Codable path wrote")
    func attemptAndEventColumns() throws {
        for attempt in Self.attempts() {
            #expect(try attempt.databaseDictionary == ViaCodable(record: attempt).databaseDictionary)
        }
        let events = [
            Event(at: Date(timeIntervalSince1970: 1_700_000_000.001), entity: .dub, entityID: 7, kind: .transition,
                  fromStatus: "new", toStatus: "uploading", message: nil),
            Event(entity: .voice, entityID: 1, kind: .note, message: "a \"note\" ✓"),
        ]
        for event in events {
            #expect(try event.databaseDictionary == ViaCodable(record: event).databaseDictionary)
        }
    }

    @Test("a stage attempt read column by column equals the Codable decoding of its row")
    func attemptRows() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("rows")
        let dub = try #require(try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav")).id)
        let first = try store.beginStage(.upload, dub: dub, jobID: "j1")
        try store.finishStage(first, outcome: .failed, failure: FailureInfo(code: "x", message: "y"))
        _ = try store.beginStage(.upload, dub: dub)
        try store.read { (db: Database) throws in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM stage_attempt ORDER BY id")
            #expect(rows.count == 2)
            for row in rows {
                #expect(try StageAttempt(row: row) == ViaDecodable<StageAttempt>(row: row).record)
            }
        }
    }

    @Test("an event read column by column equals the Codable decoding of its row; an unknown kind names its column")
    func eventRows() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("rows")
        let dub = try #require(try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav")).id)
        _ = try store.beginStage(.upload, dub: dub, jobID: "j1")
        try store.write { (db: Database) throws in
            var note = Event(at: Date(timeIntervalSince1970: 1_700_000_000.25), entity: .voice, entityID: 3, kind: .note,
                             message: "a \"note\" ✓")
            try note.insert(db)
        }
        try store.read { (db: Database) throws in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY id")
            #expect(rows.count >= 2)
            for row in rows {
                #expect(try Event(row: row) == ViaDecodable<Event>(row: row).record)
            }
            let odd = try #require(try Row.fetchOne(db, sql: "SELECT id, at, entity, entity_id, 'shout' AS kind, from_status, to_status, message FROM event LIMIT 1"))
            #expect { _ = try Event(row: odd) } throws: { error in
                guard case DubKitError.invalidField(let field, let value, _) = error else { return false }
                return field == "kind" && value == "shout"
            }
        }
    }

    @Test("a dub read through its columns equals the Codable decoding of its row, with every column set")
    func dubRows() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("rows")
        try store.write { (db: Database) throws in
            for letter in ["a", "b", "c"] {
                try MediaStore.register(MediaRef(hash: String(repeating: letter, count: 64), byteCount: 1), in: db)
            }
            var parent = try Self.dubs()[1]
            parent.id = nil
            parent.voiceID = nil
            parent.chunkSeconds = 600.5
            parent.chunkCount = 2
            try parent.insert(db)
            var chunk = parent
            chunk.id = nil
            chunk.chunkSeconds = nil
            chunk.chunkCount = nil
            chunk.parentID = parent.id
            chunk.chunkIndex = 1
            chunk.chunkStartMs = 599_000
            chunk.chunkEndMs = 1_200_250
            try chunk.insert(db)
            var plain = try Self.dubs()[0]
            try plain.insert(db)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM dub ORDER BY id")
            #expect(rows.count == 3)
            for row in rows {
                #expect(try Dub(row: row) == ViaDecodable<Dub>(row: row).record)
            }
            #expect(try Dub(row: rows[1]).chunkEndMs == 1_200_250 && Dub(row: rows[0]).chunkCount == 2
                    && Dub(row: rows[0]).syncReport == parent.syncReport && Dub(row: rows[0]).parameters == parent.parameters)
        }
    }

    /// A row without its id, for comparing rows written by two paths.
    static func columns(_ db: Database, _ table: String, _ id: Int64?) throws -> [String: DatabaseValue] {
        let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id]))
        var values: [String: DatabaseValue] = [:]
        for (column, value) in row where column != "id" { values[column] = value }
        return values
    }

    @Test("attempts, events and dub changes written by hand leave the rows GRDB's record methods leave")
    func handWrittenRows() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("rows")
        var template = try Self.dubs()[1]
        template.voiceID = nil
        var changes: [(inout Dub) -> Void] = [
            { $0.providerJobID = "job-9" },
            { $0.sourceMediaHash = nil; $0.inputDurationMs = 12; $0.creditsRequired = nil },
            { $0.parameters = .empty; $0.syncReport = nil },
            { $0.parameters = try! DubParameters(["x/y": .string("é")]); $0.syncReport = Self.dubsSync() },
            { $0.creditsUsed = 77; $0.resultMediaHash = String(repeating: "d", count: 64) },
            { $0.updatedAt = Date(timeIntervalSince1970: 1_800_000_000.000_4) },
            { _ in },
        ]
        changes.append { $0.voiceRef = "other"; $0.pitchShift = 3; $0.separate = false; $0.source = "b.wav"; $0.sourceKind = .file }
        try store.write { (db: Database) throws in
            for letter in ["a", "b", "c", "d"] {
                try MediaStore.register(MediaRef(hash: String(repeating: letter, count: 64), byteCount: 1), in: db)
            }
            for change in changes {
                var byHand = template, byGRDB = template
                byHand.id = nil
                byGRDB.id = nil
                try byHand.insert(db)
                try byGRDB.insert(db)
                let before = byHand
                change(&byHand)
                change(&byGRDB)
                byHand.id = before.id
                try byHand.updateChanges(db, from: before)
                try byGRDB.update(db)
                #expect(try Self.columns(db, "dub", byHand.id) == Self.columns(db, "dub", byGRDB.id))
            }
            let dub = try #require(try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM dub"))
            for var attempt in Self.attempts() {
                attempt.dubID = dub
                attempt.voiceID = nil
                var byHand = attempt, byGRDB = attempt
                byHand.id = nil
                byGRDB.id = nil
                byGRDB.attempt += 100
                byHand.attempt += 200
                try byHand.insert(db)
                try byGRDB.insert(db)
                var handRow = try Self.columns(db, "stage_attempt", byHand.id)
                var grdbRow = try Self.columns(db, "stage_attempt", byGRDB.id)
                handRow["attempt"] = nil
                grdbRow["attempt"] = nil
                #expect(handRow == grdbRow)
                for end in [(StageAttempt.Outcome.succeeded, "job-x" as String?, nil as String?), (.failed, nil, "interrupted")] {
                    byHand.outcome = end.0
                    byGRDB.outcome = end.0
                    byHand.finishedAt = Date(timeIntervalSince1970: 1_700_000_500.25)
                    byGRDB.finishedAt = byHand.finishedAt
                    byHand.providerJobID = end.1
                    byGRDB.providerJobID = end.1
                    byHand.errorCode = end.2
                    byGRDB.errorCode = end.2
                    try byHand.update(db)
                    try byGRDB.update(db)
                    handRow = try Self.columns(db, "stage_attempt", byHand.id)
                    grdbRow = try Self.columns(db, "stage_attempt", byGRDB.id)
                    handRow["attempt"] = nil
                    grdbRow["attempt"] = nil
                    #expect(handRow == grdbRow)
                }
            }
            var byHand = Event(at: Date(timeIntervalSince1970: 1_700_000_000.5), entity: .dub, entityID: dub, kind: .transition,
                               fromStatus: "new", toStatus: "uploading", message: "a \"note\" ✓")
            var byGRDB = byHand
            try byHand.insert(db)
            try byGRDB.insert(db)
            #expect(try Self.columns(db, "event", byHand.id) == Self.columns(db, "event", byGRDB.id))
        }
    }

    static func dubsSync() -> SyncReport {
        SyncReport(lengthDifferenceMs: 5, segments: [], unmatchedSegments: 2, maxDriftMs: 1, thresholdMs: 100, flagged: false)
    }
}
