import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("sync reports")
struct SyncAnalyzerTests {
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    func run(_ arguments: [String]) throws {
        let result = try ChildProcess.run("/usr/bin/ffmpeg", ["-v", "error", "-y"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// About 12 s of speech with pauses between sentences.
    func speech() throws -> URL {
        let text = dir.path("speech.wav")
        let spoken = try ChildProcess.run("/usr/bin/espeak-ng", ["-w", text.path,
            "The first sentence is short. Then there is a pause. A third one follows after it. And at last the fourth, which ends the test."])
        #expect(spoken.status == 0)
        return text
    }

    @Test("a dub that keeps to its source is in sync; one 3% slower drifts and is flagged")
    func slowDubDrifts() throws {
        let source = try speech()
        let same = dir.path("same.wav")
        try run(["-i", source.path, "-af", "asetrate=22050*1.0,aresample=44100", same.path])
        let inSync = try SyncAnalyzer.compare(source: source, dubbed: same)
        #expect(!inSync.flagged && inSync.maxDriftMs <= 20 && abs(inSync.lengthDifferenceMs) <= 20, "\(inSync)")
        #expect(inSync.segments.count >= 3 && inSync.unmatchedSegments == 0)

        let slow = dir.path("slow.wav")
        try run(["-i", source.path, "-af", "atempo=0.97", slow.path])
        let report = try SyncAnalyzer.compare(source: source, dubbed: slow)
        let duration = Double(try #require(report.segments.last).sourceEndMs)
        #expect(report.flagged)
        #expect(abs(Double(report.maxDriftMs) - duration * 0.03) < 80, "drift \(report.maxDriftMs) ms over \(duration) ms")
        // The drift grows along the track.
        #expect((report.segments.first?.startOffsetMs ?? 99) < (report.segments.last?.endOffsetMs ?? 0))
    }
}

extension SyncAnalyzerTests {
    @Test("a dub 3% slower is fitted back onto the source's timeline: every segment within 40 ms, the same length")
    func fitsASlowDub() async throws {
        let source = try speech()
        let slow = dir.path("slow.wav")
        try run(["-i", source.path, "-af", "atempo=0.97", slow.path])
        let report = try SyncAnalyzer.compare(source: source, dubbed: slow)
        #expect(report.flagged)
        let fitted = dir.path("fitted.wav")
        let seconds = try AudioAnalyzer.analyze(source).durationSeconds
        try await SyncFitter.fit(dubbed: slow, report: report, sourceSeconds: seconds, to: fitted, scratch: dir.path("scratch"))
        let after = try SyncAnalyzer.compare(source: source, dubbed: fitted)
        #expect(after.maxDriftMs <= 40, "\(after.segments)")
        #expect(abs(after.lengthDifferenceMs) <= 20, "\(after.lengthDifferenceMs) ms")
        #expect(!after.flagged)
    }
}
