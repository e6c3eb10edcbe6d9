@testable import DubKit
import Foundation
import Testing

/// `dub list --json` writes dubs without JSONEncoder; its bytes must be the encoder's.
@Suite("Dub list JSON")
struct DubListJSONTests {
    static func written(_ dubs: [Dub]) throws -> String {
        var bytes: [UInt8] = []
        try DubListJSON.write(dubs) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The dubs as every command encodes them for output (links' secrets masked: ``Dub/forOutput``).
    static func encoded(_ dubs: [Dub]) throws -> String {
        String(decoding: try JSONOutput.encode(dubs.map(\.forOutput), pretty: true), as: UTF8.self)
    }

    static func representative() throws -> [Dub] {
        var dubs = try RecordEncodingTests.dubs()
        var odd = try Dub(providerID: "voicedub", voiceRef: "é\"quoted\"\\back/slash\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}",
                          sourceKind: .file, source: "/tmp/ünïcödé 🎙/\u{2028}\u{feff}言語.wav", pitchShift: 24,
                          parameters: try DubParameters(["über_key": .string("a\u{0}b"), "Z": .array([]), "a": .object([:]),
                                                         "n": .number(-0.000001), "m": .number(123_456_789_012_345_680)]),
                          now: Date(timeIntervalSince1970: 1_799_999_999.999_9))
        odd.id = Int64.max
        odd.creditsRequired = Int64.min
        odd.errorCode = ""
        odd.errorMessage = "tab\there, newline\nthere, \u{10}\u{1e}"
        odd.updatedAt = Date(timeIntervalSince1970: 0.5)
        odd.syncReport = SyncReport(
            lengthDifferenceMs: Int.min, segments: [
                .init(sourceStartMs: 0, sourceEndMs: 10, startOffsetMs: -1, endOffsetMs: 1),
                .init(sourceStartMs: 20, sourceEndMs: 30, startOffsetMs: 0, endOffsetMs: Int.max),
            ], unmatchedSegments: 0, maxDriftMs: 5, thresholdMs: 100, flagged: true)
        dubs.append(odd)
        // A dub cut into chunks and one of its chunks: columns the first writer left out.
        var parent = try Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "/tmp/long.wav",
                             now: Date(timeIntervalSince1970: 1_700_000_000))
        parent.id = 41
        parent.chunkSeconds = 600.5
        parent.chunkCount = 3
        var chunk = parent
        chunk.id = 42
        chunk.chunkSeconds = nil
        chunk.chunkCount = nil
        chunk.parentID = 41
        chunk.chunkIndex = 1
        chunk.chunkStartMs = 599_000
        chunk.chunkEndMs = 1_200_250
        dubs += [parent, chunk]
        return dubs
    }

    @Test("representative dubs (escapes, unicode, parameters, sync reports, absent fields) are written as the encoder writes them")
    func sameAsEncoder() throws {
        let dubs = try Self.representative()
        #expect(try Self.written(dubs) == Self.encoded(dubs))
        for dub in dubs {
            #expect(try Self.written([dub]) == Self.encoded([dub]))
            // The generic writer, which lists a dub whose columns have no fast writer yet, too.
            var bytes: [UInt8] = []
            try PrettyJSONEncoder().append(KeepingNulls([dub.forOutput]), depth: 0, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == (try Self.encoded([dub])))
        }
    }

    @Test("every key of a dub has a fast writer (a column added to Dub is listed anyway, more slowly, until it has one)")
    func everyKeyFast() {
        #expect(DubListJSON.writesEveryKeyFast, "add the new column's writer to DubListJSON.fields")
    }

    @Test("the generic writer writes every representative dub itself, without falling back to the encoder")
    func noFallback() throws {
        let writer = PrettyJSONEncoder()
        for dub in try Self.representative() {
            var bytes: [UInt8] = []
            #expect(throws: Never.self) { try writer.append(KeepingNulls(dub), depth: 1, to: &bytes) }
        }
    }

    @Test("every dub has every key, null where it has no value, whatever its state")
    func sameKeys() throws {
        let dubs = try Self.representative()
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(Self.written(dubs).utf8)) as? [[String: Any]])
        let keys = Set(objects[0].keys)
        #expect(keys.contains("errorCode") && keys.contains("parentId") && keys.contains("syncReport") && keys.contains("chunkSeconds"))
        for object in objects { #expect(Set(object.keys) == keys) }
        #expect(objects[0]["errorCode"] is NSNull)
    }

    /// A listing's row as the encoder writes it: a dub or a row that could not be read as one.
    enum Row: Encodable {
        case dub(Dub)
        case damaged(DamagedRecord.Listed)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .dub(dub): try container.encode(dub.forOutput)
            case let .damaged(entry): try container.encode(entry)
            }
        }
    }

    @Test("damaged rows stand in their place by id, written as the encoder writes them with every key kept")
    func damagedRows() throws {
        let dubs = Array(try Self.representative().suffix(2))  // the parent 41 and its chunk 42
        let record = { (id: Int64, field: String) in
            DamagedRecord.Listed(DamagedRecord(entity: .dub, id: id, field: field, value: "teleporting", allowed: "new, done"),
                                 project: "p")
        }
        let damaged = [record(43, "status"), record(40, "updated_at")]
        var bytes: [UInt8] = []
        try DubListJSON.write(dubs, damaged: damaged) { bytes += $0 }
        let rows: [Row] = [.damaged(damaged[1]), .dub(dubs[0]), .dub(dubs[1]), .damaged(damaged[0])]
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: try JSONOutput.encode(rows, pretty: true), as: UTF8.self))
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(objects.map { $0["id"] as? Int64 } == [40, 41, 42, 43])
        #expect(objects[0]["damaged"] as? Bool == true && objects[0]["name"] is NSNull && objects[3]["field"] as? String == "status")
    }

    @Test("no dubs is the encoder's empty array")
    func empty() throws {
        #expect(try Self.written([]) == Self.encoded([]))
    }

    @Test("a long listing comes in pieces that join into the encoder's text")
    func pieces() throws {
        let dubs = Array(repeating: try Self.representative(), count: 120).flatMap { $0 }
        var pieces = 0
        var bytes: [UInt8] = []
        try DubListJSON.write(dubs) { bytes += $0; pieces += 1 }
        #expect(pieces > 1)
        #expect(String(decoding: bytes, as: UTF8.self) == (try Self.encoded(dubs)))
    }
}
