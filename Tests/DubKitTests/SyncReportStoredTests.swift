@testable import DubKit
import Foundation
import GRDB
import Testing

/// Dubs' sync reports are read from the store without JSONDecoder when they are in the store's own
/// form; the result must be JSONDecoder's, whatever the text.
@Suite("Stored sync reports")
struct SyncReportStoredTests {
    static func decoded(_ text: String) -> SyncReport? {
        try? JSONDecoder().decode(SyncReport.self, from: Data(text.utf8))
    }

    static func stored(_ report: SyncReport) throws -> String {
        String(decoding: try Dub.databaseJSONEncoder(for: "sync_report").encode(report), as: UTF8.self)
    }

    @Test("reports in the store's form are read without JSONDecoder, to the same values")
    func storeForm() throws {
        var generator = SystemRandomNumberGenerator()
        var reports = [
            SyncReport(lengthDifferenceMs: 0, segments: [], unmatchedSegments: 0, maxDriftMs: 0, thresholdMs: 100, flagged: false),
            SyncReport(lengthDifferenceMs: Int.min, segments: [.init(sourceStartMs: Int.max, sourceEndMs: 0, startOffsetMs: -1, endOffsetMs: Int.min)],
                       unmatchedSegments: Int.max, maxDriftMs: -0, thresholdMs: 1, flagged: true),
        ]
        for _ in 0..<300 {
            let segments = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                SyncReport.Segment(sourceStartMs: Int.random(in: 0...600_000, using: &generator),
                                   sourceEndMs: Int.random(in: 0...600_000, using: &generator),
                                   startOffsetMs: Int.random(in: -5_000...5_000, using: &generator),
                                   endOffsetMs: Int.random(in: -5_000...5_000, using: &generator))
            }
            reports.append(SyncReport(lengthDifferenceMs: Int.random(in: -9_999...9_999, using: &generator), segments: segments,
                                      unmatchedSegments: Int.random(in: 0...9, using: &generator),
                                      maxDriftMs: Int.random(in: 0...9_999, using: &generator), thresholdMs: 100,
                                      flagged: Bool.random(using: &generator)))
        }
        for report in reports {
            let text = try Self.stored(report)
            #expect(SyncReport.scanStored(text) == report, "\(text)")
            #expect(SyncReport.decodeStored(text) == Self.decoded(text))
        }
    }

    @Test("any other text reads as JSONDecoder reads it, or not at all")
    func otherText() {
        let texts = [
            #"{ "flagged":false,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"unmatchedSegments":0,"thresholdMs":100,"segments":[],"maxDriftMs":0,"lengthDifferenceMs":0,"flagged":true}"#,
            #"{"flagged":false,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0,"extra":1}"#,
            #"{"flagged":false,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100}"#,
            #"{"flagged":false,"lengthDifferenceMs":1.0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":false,"lengthDifferenceMs":01,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":false,"lengthDifferenceMs":99999999999999999999,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":false,"flagged":true,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":0,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":false,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[{"endOffsetMs":1,"sourceEndMs":2,"sourceStartMs":3}],"thresholdMs":100,"unmatchedSegments":0}"#,
            #"{"flagged":false,"lengthDifferenceMs":0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0} "#,
            #"{"flagged":false,"lengthDifferenceMs":-0,"maxDriftMs":0,"segments":[],"thresholdMs":100,"unmatchedSegments":0}"#,
            "", "{}", "null", "[]", "{\"flagged\":", "not json",
        ]
        for text in texts {
            #expect(SyncReport.decodeStored(text) == Self.decoded(text), "\(text)")
        }
    }
}
