import Foundation

extension SyncReport {
    /// The report as stored in `dub.sync_report` (GRDB's compact JSON of it), nil when the text is no
    /// such report. Text in exactly the shape the store writes — an object of the six fields (segments
    /// of four), integers, no spaces — is read here; anything else goes to JSONDecoder, which gives
    /// the same answer for that shape: listing 10,000 done dubs spent most of its time decoding these.
    static func decodeStored(_ text: String) -> SyncReport? {
        scanStored(text) ?? (try? JSONDecoder().decode(SyncReport.self, from: Data(text.utf8)))
    }

    /// The fast path of ``decodeStored(_:)`` alone: nil for anything but the store's exact shape.
    static func scanStored(_ text: String) -> SyncReport? {
        var copy = text
        return copy.withUTF8 { bytes in
            var scanner = StoredJSONScanner(bytes)
            return scanner.report()
        }
    }
}

/// A strict reader of one ``SyncReport`` in the store's compact form; nil at the first surprise.
private struct StoredJSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func report() -> SyncReport? {
        var flagged: Bool?, length: Int?, drift: Int?, threshold: Int?, unmatched: Int?
        var segments: [SyncReport.Segment]?
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = key() else { return nil }
            switch key {
            case "flagged" where flagged == nil: flagged = bool()
            case "lengthDifferenceMs" where length == nil: length = integer()
            case "maxDriftMs" where drift == nil: drift = integer()
            case "thresholdMs" where threshold == nil: threshold = integer()
            case "unmatchedSegments" where unmatched == nil: unmatched = integer()
            case "segments" where segments == nil: segments = segmentList()
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), index == bytes.count, let flagged, let length, let drift, let threshold,
              let unmatched, let segments else { return nil }
        return SyncReport(lengthDifferenceMs: length, segments: segments, unmatchedSegments: unmatched,
                          maxDriftMs: drift, thresholdMs: threshold, flagged: flagged)
    }

    private mutating func segmentList() -> [SyncReport.Segment]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [SyncReport.Segment] = []
        if take(UInt8(ascii: "]")) { return list }
        repeat {
            guard let segment = segment() else { return nil }
            list.append(segment)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? list : nil
    }

    private mutating func segment() -> SyncReport.Segment? {
        var start: Int?, end: Int?, startOffset: Int?, endOffset: Int?
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = key() else { return nil }
            switch key {
            case "sourceStartMs" where start == nil: start = integer()
            case "sourceEndMs" where end == nil: end = integer()
            case "startOffsetMs" where startOffset == nil: startOffset = integer()
            case "endOffsetMs" where endOffset == nil: endOffset = integer()
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let start, let end, let startOffset, let endOffset else { return nil }
        return SyncReport.Segment(sourceStartMs: start, sourceEndMs: end, startOffsetMs: startOffset, endOffsetMs: endOffset)
    }

    /// `"name":` with a name of ASCII letters only.
    private mutating func key() -> Substring? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index] | 0x20),
              bytes[index] != UInt8(ascii: "\"") {
            index += 1
        }
        let end = index
        guard end > start, take(UInt8(ascii: "\"")), take(UInt8(ascii: ":")) else { return nil }
        return Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private mutating func bool() -> Bool? {
        if take("true") { return true }
        if take("false") { return false }
        return nil
    }

    /// `-?(0|[1-9][0-9]*)` within Int's range.
    private mutating func integer() -> Int? {
        let negative = take(UInt8(ascii: "-"))
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func take(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }
}
