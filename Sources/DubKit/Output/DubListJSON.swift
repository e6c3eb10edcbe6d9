import Foundation

/// Writes dubs as `JSONOutput.encoder(pretty: true).encode(dubs)` would, byte for byte, as they are
/// formatted: a listing of 10,000 dubs spent most of its time in the encoder. The fixed fields are
/// written here (keys in the encoder's sorted order, strings escaped as it escapes them, times in
/// ISO 8601); non-empty parameters, of any JSON shape, still go through the encoder, indented to
/// their place.
public enum DubListJSON {
    /// Formats `dubs` (in id order) and, each in its place by id, the rows that could not be read as
    /// dubs, handing `output` the text in pieces of about 64 KiB (no final newline).
    public static func write(_ dubs: some Sequence<Dub>, damaged: [DamagedRecord.Listed] = [],
                             to output: ([UInt8]) throws -> Void) throws {
        var writer = Writer()
        writer.bytes.append(UInt8(ascii: "["))
        var first = true
        func next() {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            writer.bytes.append(0x0a)
            first = false
        }
        var pending = damaged.sorted { $0.id < $1.id }[...]
        for dub in dubs {
            while let entry = pending.first, entry.id < dub.id ?? .max {
                next()
                try writer.damaged(entry)
                pending.removeFirst()
            }
            next()
            try writer.dub(dub)
            if writer.bytes.count >= 1 << 16 {
                try output(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        for entry in pending {
            next()
            try writer.damaged(entry)
        }
        // An empty array is "[", a blank line and "]", as the encoder writes it.
        writer.bytes.append(contentsOf: first ? [0x0a, 0x0a, UInt8(ascii: "]")] : [0x0a, UInt8(ascii: "]")])
        try output(writer.bytes)
    }

    private struct Writer {
        var bytes: [UInt8] = []
        private var encoder: JSONEncoder?

        init() {
            bytes.reserveCapacity(1 << 17)
        }

        /// One dub at depth 1 of the array (its keys at depth 2).
        mutating func dub(_ dub: Dub) throws {
            bytes.append(contentsOf: Self.indent1)
            bytes.append(UInt8(ascii: "{"))
            var first = true
            func key(_ name: StaticString, _ writer: inout Writer) {
                if !first { writer.bytes.append(UInt8(ascii: ",")) }
                writer.bytes.append(0x0a)
                first = false
                writer.bytes.append(contentsOf: Self.indent2)
                writer.bytes.append(UInt8(ascii: "\""))
                writer.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                writer.bytes.append(contentsOf: Self.keySeparator)
            }
            key("createdAt", &self); try date(dub.createdAt)
            if let value = dub.creditsRequired { key("creditsRequired", &self); number(value) }
            key("creditsUsed", &self); number(dub.creditsUsed)
            if let value = dub.errorCode { key("errorCode", &self); string(value) }
            if let value = dub.errorMessage { key("errorMessage", &self); string(value) }
            if let value = dub.id { key("id", &self); number(value) }
            if let value = dub.inputDurationMs { key("inputDurationMs", &self); number(value) }
            if let value = dub.linkMediaHash { key("linkMediaHash", &self); string(value) }
            key("parameters", &self); try parameters(dub.parameters)
            key("pitchShift", &self); number(Int64(dub.pitchShift))
            key("providerId", &self); string(dub.providerID)
            if let value = dub.providerJobID { key("providerJobId", &self); string(value) }
            if let value = dub.resultMediaHash { key("resultMediaHash", &self); string(value) }
            key("separate", &self); literal(dub.separate ? "true" : "false")
            key("source", &self); string(dub.shownSource)
            key("sourceKind", &self); string(dub.sourceKind.rawValue)
            if let value = dub.sourceMediaHash { key("sourceMediaHash", &self); string(value) }
            key("status", &self); string(dub.status.rawValue)
            if let value = dub.syncReport { key("syncReport", &self); sync(value) }
            key("updatedAt", &self); try date(dub.updatedAt)
            if let value = dub.voiceID { key("voiceId", &self); number(value) }
            key("voiceRef", &self); string(dub.voiceRef)
            bytes.append(0x0a)
            bytes.append(contentsOf: Self.indent1)
            bytes.append(UInt8(ascii: "}"))
        }

        /// A damaged row at depth 1, as the encoder writes it.
        mutating func damaged(_ entry: DamagedRecord.Listed) throws {
            try encoded(entry, indent: Self.indent1, fromFirstLine: true)
        }

        /// The encoder's text of `value` with each of its lines but blank ones indented by `indent`
        /// (from its second line, when it continues a line already begun). Newlines inside strings are
        /// escaped, so every raw one is the encoder's own; the blank line of an empty object or array
        /// stays blank.
        private mutating func encoded(_ value: some Encodable, indent: [UInt8], fromFirstLine: Bool) throws {
            let encoder = encoder ?? JSONOutput.encoder(pretty: true)
            self.encoder = encoder
            var lineStart = fromFirstLine
            for byte in try encoder.encode(value) {
                if lineStart && byte != 0x0a { bytes.append(contentsOf: indent) }
                bytes.append(byte)
                lineStart = byte == 0x0a
            }
        }

        /// A sync report at depth 2 (its keys at depth 3, its segments' at depth 5).
        private mutating func sync(_ report: SyncReport) {
            bytes.append(contentsOf: Array("{\n      \"flagged\" : ".utf8))
            literal(report.flagged ? "true" : "false")
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

        /// Parameters at depth 2: `{}` is written here; any other object is the encoder's text of it,
        /// each of its lines but blank ones indented by two levels.
        private mutating func parameters(_ parameters: DubParameters) throws {
            guard !parameters.values.isEmpty else {
                bytes.append(contentsOf: Array("{\n\n    }".utf8))
                return
            }
            try encoded(parameters, indent: Self.indent2, fromFirstLine: false)
        }

        private mutating func date(_ date: Date) throws {
            bytes.append(UInt8(ascii: "\""))
            if !UTCDateText.appendISO8601(date, to: &bytes) {
                let text = date.formatted(.iso8601)
                bytes.append(contentsOf: text.utf8)
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func number(_ value: Int64) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var divisor: UInt64 = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
                magnitude %= divisor
                divisor /= 10
            }
        }

        private mutating func literal(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// A string escaped as the encoder escapes it: quote, backslash and control characters below
        /// 0x20 (short forms for \b \f \n \r \t, lowercase \u00XX otherwise); slashes and everything
        /// else as its UTF-8 bytes.
        private mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0c: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0a: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0d: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x00..<0x20:
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0f)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private static let hex = Array("0123456789abcdef".utf8)
        private static let indent1 = Array("  ".utf8)
        private static let indent2 = Array("    ".utf8)
        private static let keySeparator = Array("\" : ".utf8)
    }
}
