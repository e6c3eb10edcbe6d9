@testable import DubKit
import Foundation
import GRDB
import Testing

/// Dates written without formatters must read as the formatters wrote them.
@Suite("UTC date text")
struct UTCDateTextTests {
    /// Times across 1970...9999, with fractions near every rounding edge.
    static func dates() -> [Date] {
        var times: [Double] = [0, 0.0005, 0.9995, 0.999_999_9, 59.999, 86_399.999_9, 951_782_400, 951_868_799.999,
                               1_700_000_000.123_456, 1_700_000_000.999_5, 4_102_444_800, 253_402_300_799.998,
                               Date().timeIntervalSince1970]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let whole = Double(Int64.random(in: 0..<253_402_300_799, using: &generator))
            let edges: [Double] = [0, 0.001, 0.000_5, 0.999, 0.999_5, 0.123_456_7, Double.random(in: 0..<1, using: &generator)]
            let fraction = edges[Int.random(in: 0..<edges.count, using: &generator)]
            times.append(whole + fraction)
        }
        // Dates the engine makes: now, in reference-date form.
        return times.map { Date(timeIntervalSince1970: $0) } + (0..<200).map { _ in Date(timeIntervalSinceNow: Double.random(in: -1e8..<1e8)) }
    }

    @Test("the store's text is GRDB's (its DateFormatter) for dates from 1970 to 9999")
    func storeText() {
        for date in Self.dates() {
            #expect(UTCDateText.storeValue(date) == date.databaseValue, "\(date.timeIntervalSinceReferenceDate)")
        }
        let early = Date(timeIntervalSince1970: -86_400.5)
        #expect(UTCDateText.storeValue(early) == early.databaseValue)
    }

    @Test("the output's ISO 8601 text is Date.ISO8601FormatStyle's")
    func iso8601() {
        for date in Self.dates() {
            var bytes: [UInt8] = []
            #expect(UTCDateText.appendISO8601(date, to: &bytes))
            #expect(String(decoding: bytes, as: UTF8.self) == date.formatted(.iso8601), "\(date.timeIntervalSinceReferenceDate)")
        }
        var bytes: [UInt8] = []
        #expect(!UTCDateText.appendISO8601(Date(timeIntervalSince1970: -1), to: &bytes) && bytes.isEmpty)
    }
}
