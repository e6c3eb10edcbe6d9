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

extension SyncAnalyzerTests {
    /// A mono WAV of 300 Hz bursts (start and end in seconds) over faint noise.
    func bursts(_ name: String, _ spans: [(Double, Double)], seconds: Double) throws -> URL {
        let rate = 16_000
        let url = dir.path(name)
        let writer = try PCMWAVWriter(url, sampleRate: rate)
        var state: UInt32 = 1
        try writer.write((0..<Int(seconds * Double(rate))).map { index in
            state = state &* 1_664_525 &+ 1_013_904_223
            let t = Double(index) / Double(rate)
            let noise = Float(Int32(bitPattern: state) >> 16) / 32768 * 0.001
            return noise + (spans.contains { $0.0 <= t && t < $0.1 } ? Float(0.3 * sin(2 * .pi * 300 * t)) : 0)
        })
        try writer.finish()
        return url
    }

    @Test("speech the dub splits at a pause the source does not have is still one segment, in sync")
    func splitSegment() throws {
        let source = try bursts("source.wav", [(0.5, 2.5), (3.2, 4.0)], seconds: 5)
        // The same, with a 300 ms gap inside the first stretch (a comma said more slowly).
        let dubbed = try bursts("dubbed.wav", [(0.5, 1.4), (1.7, 2.5), (3.2, 4.0)], seconds: 5)
        let report = try SyncAnalyzer.compare(source: source, dubbed: dubbed)
        #expect(report.segments.count == 2 && report.unmatchedSegments == 0, "\(report.segments)")
        #expect(report.maxDriftMs <= 20 && !report.flagged, "\(report.segments)")
    }
}
