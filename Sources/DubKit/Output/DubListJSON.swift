import Foundation

/// Writes dubs as `JSONOutput.encode(dubs.map(\.forOutput), pretty: true)` would, byte for byte, as
/// they are formatted: a listing of 10,000 dubs spent most of its time in JSONEncoder.
///
/// Which keys a dub has is not written here: they are `Dub`'s columns (its coding keys, camelCased as
/// the output does), each written by its writer (``writer(_:)``, a switch over every column, so a new
/// column does not build without one). Should `Dub`'s `Encodable` conformance ever write other keys
/// (read once through ``KeepingNulls``, the rule that makes every absent value `null`), the listing
/// switches to ``PrettyJSONEncoder``, which writes any `Encodable` the same way, only slower.
public enum DubListJSON {
    /// Formats `dubs` (in id order) and, each in its place by id, the rows that could not be read as
    /// dubs, handing `output` the text in pieces of about 64 KiB (no final newline). A dub's source is
    /// written as every output shows it (``Dub/shownSource``: a link's secrets masked); a damaged row
    /// goes through the generic writer, every key kept as ``JSONOutput/encode(_:pretty:)`` keeps it.
    public static func write(_ dubs: some Sequence<Dub>, damaged: [DamagedRecord.Listed] = [],
                             to output: ([UInt8]) throws -> Void) throws {
        var writer = Writer()
        writer.bytes.reserveCapacity(1 << 17)
        writer.bytes.append(UInt8(ascii: "["))
        var first = true
        func next() {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            writer.bytes.append(0x0a)
            first = false
            JSONText.indent(1, into: &writer.bytes)
        }
        var pending = damaged.sorted { $0.id < $1.id }[...]
        for dub in dubs {
            while let entry = pending.first, entry.id < dub.id ?? .max {
                next()
                try writer.generic.append(KeepingNulls(entry), depth: 1, to: &writer.bytes)
                pending.removeFirst()
            }
            next()
            if let plan = Plan.shared.fields {
                try writer.dub(dub, plan)
            } else {
                try writer.generic.append(KeepingNulls(dub.forOutput), depth: 1, to: &writer.bytes)
            }
            if writer.bytes.count >= 1 << 16 {
                try output(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        for entry in pending {
            next()
            try writer.generic.append(KeepingNulls(entry), depth: 1, to: &writer.bytes)
        }
        // An empty array is "[", a blank line and "]", as the encoder writes it.
        writer.bytes.append(contentsOf: first ? [0x0a, 0x0a, UInt8(ascii: "]")] : [0x0a, UInt8(ascii: "]")])
        try output(writer.bytes)
    }

    /// True when the keys a dub's `Encodable` conformance writes are its columns' (DubListJSONTests holds it).
    static var writesEveryKeyFast: Bool { Plan.shared.fields != nil }

    /// The keys of a dub in the encoder's order (sorted by their UTF-8 bytes), each with its writer;
    /// `fields` is nil when the conformance writes other keys than the columns' (then every dub goes
    /// through the generic writer).
    private struct Plan: Sendable {
        let fields: [(key: [UInt8], write: FieldWriter)]?
        let syncReportIsKnown: Bool

        static let shared = Plan()

        private init() {
            let columns = Dub.CodingKeys.allCases.map { (key: JSONOutput.camelCase($0.rawValue), column: $0) }
                .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            let encoded = Self.keys(of: Self.sampleDub)
            fields = encoded == Set(columns.map(\.key)) ? columns.map { (JSONText.quoted($0.key), DubListJSON.writer($0.column)) } : nil
            syncReportIsKnown = Self.keys(of: SyncReport(lengthDifferenceMs: 0, segments: [], unmatchedSegments: 0, maxDriftMs: 0,
                                                         thresholdMs: 0, flagged: false)) == Writer.syncReportKeys
        }

        private static let sampleDub = try? Dub(providerID: "p", voiceRef: "v", sourceKind: .file, source: "s")

        /// The keys `value` is written with, absent ones included.
        private static func keys(of value: (some Encodable)?) -> Set<String>? {
            guard let value, let data = try? JSONOutput.encode(value, pretty: false),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return Set(object.keys)
        }
    }

    fileprivate typealias FieldWriter = @Sendable (Dub, inout Writer) throws -> Void

    /// How the key of each column is written: the value of the field, `null` when it has none. (The
    /// switch covers every column: a column added to `Dub` does not build until it has its writer.)
    private static func writer(_ column: Dub.CodingKeys) -> FieldWriter {
        switch column {
        case .chunkCount: { dub, w in w.optional(dub.chunkCount) { w, v in w.number(Int64(v)) } }
        case .chunkEndMs: { dub, w in w.optional(dub.chunkEndMs) { w, v in w.number(v) } }
        case .chunkIndex: { dub, w in w.optional(dub.chunkIndex) { w, v in w.number(Int64(v)) } }
        case .chunkSeconds: { dub, w in try w.optional(dub.chunkSeconds) { w, v in try JSONText.appendDouble(v, to: &w.bytes) } }
        case .chunkStartMs: { dub, w in w.optional(dub.chunkStartMs) { w, v in w.number(v) } }
        case .createdAt: { dub, w in JSONText.appendDate(dub.createdAt, to: &w.bytes) }
        case .creditsRequired: { dub, w in w.optional(dub.creditsRequired) { w, v in w.number(v) } }
        case .creditsUsed: { dub, w in w.number(dub.creditsUsed) }
        case .errorCode: { dub, w in w.optional(dub.errorCode) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .errorMessage: { dub, w in w.optional(dub.errorMessage) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .id: { dub, w in w.optional(dub.id) { w, v in w.number(v) } }
        case .inputDurationMs: { dub, w in w.optional(dub.inputDurationMs) { w, v in w.number(v) } }
        case .linkMediaHash: { dub, w in w.optional(dub.linkMediaHash) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .parameters: { dub, w in try w.parameters(dub.parameters) }
        case .parentID: { dub, w in w.optional(dub.parentID) { w, v in w.number(v) } }
        case .pitchShift: { dub, w in w.number(Int64(dub.pitchShift)) }
        case .providerID: { dub, w in JSONText.appendString(dub.providerID, to: &w.bytes) }
        case .providerJobID: { dub, w in w.optional(dub.providerJobID) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .resultMediaHash: { dub, w in w.optional(dub.resultMediaHash) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .separate: { dub, w in JSONText.appendBool(dub.separate, to: &w.bytes) }
        case .source: { dub, w in JSONText.appendString(dub.shownSource, to: &w.bytes) }
        case .sourceKind: { dub, w in JSONText.appendString(dub.sourceKind.rawValue, to: &w.bytes) }
        case .sourceMediaHash: { dub, w in w.optional(dub.sourceMediaHash) { w, v in JSONText.appendString(v, to: &w.bytes) } }
        case .status: { dub, w in JSONText.appendString(dub.status.rawValue, to: &w.bytes) }
        case .syncReport: { dub, w in try w.optional(dub.syncReport) { w, v in try w.sync(v) } }
        case .updatedAt: { dub, w in JSONText.appendDate(dub.updatedAt, to: &w.bytes) }
        case .voiceID: { dub, w in w.optional(dub.voiceID) { w, v in w.number(v) } }
        case .voiceRef: { dub, w in JSONText.appendString(dub.voiceRef, to: &w.bytes) }
        }
    }

    fileprivate struct Writer {
        var bytes: [UInt8] = []
        let generic = PrettyJSONEncoder()

        /// One dub at depth 1 of the array (its keys at depth 2), its keys in `plan`'s order.
        mutating func dub(_ dub: Dub, _ plan: [(key: [UInt8], write: FieldWriter)]) throws {
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for field in plan {
                bytes.append(contentsOf: first ? Self.firstKey : Self.nextKey)
                first = false
                bytes.append(contentsOf: field.key)
                bytes.append(contentsOf: JSONText.keySeparator)
                try field.write(dub, &self)
            }
            bytes.append(contentsOf: Self.objectEnd)
        }

        /// `value` written by `write`, or `null`.
        mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) throws -> Void) rethrows {
            if let value { try write(&self, value) } else { JSONText.appendNull(to: &bytes) }
        }

        mutating func number(_ value: Int64) {
            JSONText.appendInteger(value, to: &bytes)
        }

        /// The keys ``sync(_:)`` writes; a sync report with others is written by the generic writer.
        static let syncReportKeys: Set<String> = ["flagged", "lengthDifferenceMs", "maxDriftMs", "segments", "thresholdMs",
                                                  "unmatchedSegments"]

        /// A sync report at depth 2 (its keys at depth 3, its segments' at depth 5).
        mutating func sync(_ report: SyncReport) throws {
            guard Plan.shared.syncReportIsKnown else {
                try generic.append(KeepingNulls(report), depth: 2, to: &bytes)
                return
            }
            bytes.append(contentsOf: Array("{\n      \"flagged\" : ".utf8))
            JSONText.appendBool(report.flagged, to: &bytes)
            bytes.append(contentsOf: Array(",\n      \"lengthDifferenceMs\" : ".utf8))
            number(Int64(report.lengthDifferenceMs))
            bytes.append(contentsOf: Array(",\n      \"maxDriftMs\" : ".utf8))
            number(Int64(report.maxDriftMs))
            bytes.append(contentsOf: Array(",\n      \"segments\" : [\n".utf8))
            var first = true
            for segment in report.segments {
                if !first { bytes.append(contentsOf: [UInt8(ascii: ","), 0x0a]) }
                first = false
                bytes.append(contentsOf: Array("        {\n          \"endOffsetMs\" : ".utf8))
                number(Int64(segment.endOffsetMs))
                bytes.append(contentsOf: Array(",\n          \"sourceEndMs\" : ".utf8))
                number(Int64(segment.sourceEndMs))
                bytes.append(contentsOf: Array(",\n          \"sourceStartMs\" : ".utf8))
                number(Int64(segment.sourceStartMs))
                bytes.append(contentsOf: Array(",\n          \"startOffsetMs\" : ".utf8))
                number(Int64(segment.startOffsetMs))
                bytes.append(contentsOf: Array("\n        }".utf8))
            }
            // An empty array holds a blank line, as the encoder writes it ("[", newline, newline, "]").
            bytes.append(contentsOf: Array("\n      ]".utf8))
            bytes.append(contentsOf: Array(",\n      \"thresholdMs\" : ".utf8))
            number(Int64(report.thresholdMs))
            bytes.append(contentsOf: Array(",\n      \"unmatchedSegments\" : ".utf8))
            number(Int64(report.unmatchedSegments))
            bytes.append(contentsOf: Array("\n    }".utf8))
        }

        /// Parameters at depth 2: `{}` is written here, any other object by the generic writer.
        mutating func parameters(_ parameters: DubParameters) throws {
            guard !parameters.values.isEmpty else {
                bytes.append(contentsOf: Self.emptyObject)
                return
            }
            try generic.append(KeepingNulls(parameters), depth: 2, to: &bytes)
        }

        private static let firstKey = Array("\n    ".utf8)
        private static let nextKey = Array(",\n    ".utf8)
        private static let objectEnd = Array("\n  }".utf8)
        private static let emptyObject = Array("{\n\n    }".utf8)
    }
}
