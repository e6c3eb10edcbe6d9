import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("chunk planning")
struct ChunkPlannerTests {
    /// 10 ms levels: speech (-20 dB) with the pauses (-70 dB) given as (start ms, length ms).
    func levels(totalMs: Int, pauses: [(Int, Int)]) -> [Float] {
        var levels = [Float](repeating: -20, count: totalMs / 10)
        // Speech is not flat: a little texture, so the quietest frame of a window is well defined.
        for index in levels.indices { levels[index] += Float(index * 7919 % 13) * 0.3 }
        for (start, length) in pauses {
            for frame in (start / 10)..<min((start + length) / 10, levels.count) { levels[frame] = -70 + Float(frame % 5) }
        }
        return levels
    }

    func quiet(_ levels: [Float], atMs ms: Int64) -> Bool { levels[Int(ms / 10)] < -60 }

    @Test("cuts fall in the latest pause within reach, at its quietest frame, with the crossfade inside the pause")
    func cutsInPauses() throws {
        // 100 s; pauses of 300 ms every 7 s, and short 120 ms gaps (between words) every second.
        var pauses: [(Int, Int)] = (1..<15).map { ($0 * 7000, 300) }
        pauses += (1..<100).filter { $0 % 7 != 0 }.map { ($0 * 1000, 120) }
        let levels = levels(totalMs: 100_000, pauses: pauses)
        let spans = try ChunkPlanner.plan(levels: levels, totalMs: 100_000, maxChunkMs: 30_000)
        #expect(spans.count == 4, "\(spans)")
        #expect(spans.first?.startMs == 0 && spans.last?.endMs == 100_000)
        for span in spans { #expect(span.durationMs <= 30_000, "\(span)") }
        for (before, after) in zip(spans, spans.dropFirst()) {
            // Neighbours overlap by 40 ms, centred on the cut.
            #expect(before.endMs - after.startMs == 2 * ChunkPlanner.overlapMs)
            let cut = before.endMs - ChunkPlanner.overlapMs
            // Only the 300 ms pauses count (the 120 ms word gaps do not), and the latest that fits is taken.
            let pause = try #require(pauses.first { Int64($0.0) <= cut && cut < Int64($0.0 + $0.1) }, "cut at \(cut) ms is not in a pause")
            #expect(pause.1 == 300, "cut at \(cut) ms is in a \(pause.1) ms gap")
            #expect(cut + 7000 > before.startMs + 30_000 - ChunkPlanner.overlapMs, "a later pause was within reach of \(cut)")
            for edge in [cut - ChunkPlanner.overlapMs, cut + ChunkPlanner.overlapMs - 1] {
                #expect(quiet(levels, atMs: edge), "the crossfade around \(cut) ms leaves the pause")
            }
        }
    }

    @Test("with no pause within reach the cut goes to the quietest frame of the window's second half")
    func noPause() throws {
        var levels = levels(totalMs: 50_000, pauses: [])
        levels[1234] = -45  // a dip in the first half: too early to cut at
        levels[2345] = -40  // the quietest frame of the second half of the first window (15-29.98 s)
        let spans = try ChunkPlanner.plan(levels: levels, totalMs: 50_000, maxChunkMs: 30_000)
        #expect(spans.count == 2)
        #expect(spans[0].endMs - ChunkPlanner.overlapMs == 23_450, "\(spans)")
    }

    @Test("a source that fits is one chunk; a limit under a second is refused")
    func fits() throws {
        let levels = levels(totalMs: 20_000, pauses: [(5000, 400)])
        #expect(try ChunkPlanner.plan(levels: levels, totalMs: 20_000, maxChunkMs: 20_000) == [ChunkSpan(index: 0, startMs: 0, endMs: 20_000)])
        #expect(throws: DubKitError.self) { try ChunkPlanner.plan(levels: levels, totalMs: 20_000, maxChunkMs: 500) }
    }

    @Test("limits: the provider's duration and file size (through the WAV's byte rate) less a margin, and --chunk")
    func limits() {
        let voiceDub = ProviderLimits(maxDurationSeconds: 1800)
        #expect(ChunkPlanner.limitSeconds(voiceDub, bytesPerSecond: 88_200, chunkSeconds: nil) == 1791)
        #expect(ChunkPlanner.limitSeconds(voiceDub, bytesPerSecond: 88_200, chunkSeconds: 60) == 60)
        let kits = ProviderLimits(maxFileBytes: 100_000_000)
        let mono = ChunkPlanner.limitSeconds(kits, bytesPerSecond: 88_200, chunkSeconds: nil) ?? 0
        let stereo = ChunkPlanner.limitSeconds(kits, bytesPerSecond: 176_400, chunkSeconds: nil) ?? 0
        #expect(abs(mono - 1128.1) < 0.1 && abs(stereo - 564.1) < 0.1, "\(mono) \(stereo)")
        #expect(ChunkPlanner.limitSeconds(ProviderLimits(), bytesPerSecond: 88_200, chunkSeconds: nil) == nil)
    }

    @Test("estimates bill each chunk on its own: 40 minutes at VoiceDub are 30 + 11 started minutes")
    func estimates() {
        let voiceDub = ProviderDescriptor(id: "voicedub", name: "VoiceDub", capabilities: [.convert],
                                          limits: ProviderLimits(maxDurationSeconds: 1800),
                                          billing: .perStartedMinute(credits: 10, minimum: 10))
        let long = ChunkPlanner.estimate(seconds: 2400, channels: 1, provider: voiceDub, chunkSeconds: nil)
        #expect(long.chunks == 2 && long.credits == 410, "\(long)")
        // 48 s in chunks of at most 10 s: five chunks at the 10-credit minimum each, not one of 10 credits.
        let asked = ChunkPlanner.estimate(seconds: 48, channels: 1, provider: voiceDub, chunkSeconds: 10)
        #expect(asked.chunks == 5 && asked.credits == 50, "\(asked)")
        let whole = ChunkPlanner.estimate(seconds: 100, channels: 1, provider: voiceDub, chunkSeconds: nil)
        #expect(whole.chunks == 1 && whole.credits == 20)
    }

    @Test("on real speech (espeak-ng looped to 70 s) every cut is in a pause of the recording")
    func realSpeech() throws {
        let dir = try TemporaryDirectory()
        let speech = dir.path("speech.wav")
        try SpeechLoop.write(speech, seconds: 70)
        let levels = try AudioAnalyzer.frameLevels(speech, sampleRate: 16_000, frameSeconds: 0.01)
        let spans = try ChunkPlanner.plan(levels: levels, totalMs: 70_000, maxChunkMs: 20_000)
        #expect((4...5).contains(spans.count), "\(spans)")
        let threshold = Float(AudioAnalyzer.speechThreshold(levels))
        for span in spans.dropLast() {
            let cut = Int(span.endMs - ChunkPlanner.overlapMs) / 10
            // The crossfade around the cut is below the speech threshold: a pause, not a word.
            #expect(levels[(cut - 2)..<(cut + 2)].allSatisfy { $0 <= threshold }, "cut at \(cut * 10) ms")
            #expect(span.durationMs <= 20_000)
        }
    }
}
