import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("audio that decodes to NaN or infinity")
struct NonFiniteSamplesTests {
    @Test("is refused where it is decoded, naming the file and about where, and leaves no output",
          arguments: [(Float.nan, 1), (Float.infinity, 1), (-Float.infinity, 2)])
    func refused(bad: Float, channels: Int) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("bad.wav")
        // The bad sample half a second in.
        try Fixtures.floatWAV(input, seconds: 1, channels: channels, bad: bad, badAt: [8000 * channels + channels - 1])
        #expect(throws: MediaError.self) { try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav")) }
        do {
            try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        } catch let error as MediaError {
            guard case let .nonFiniteSamples(path, seconds) = error else {
                Issue.record("expected nonFiniteSamples, got \(error)")
                return
            }
            #expect(path == input.path && error.code == "media.non_finite_samples")
            #expect(error.errorDescription?.contains(input.path) == true && error.errorDescription?.contains("NaN or infinity") == true)
            // Reported at the start of the decoded frame holding it: within one frame before 0.5 s.
            let at = try #require(seconds)
            #expect(at <= 0.5 && at > 0.3, "at \(at) s")
        }
        #expect(scratch.contents() == ["bad.wav"], "left \(scratch.contents())")
        // The sample reader (analysis, mixing, the review pictures) refuses it too.
        #expect(throws: MediaError.self) {
            let reader = try AudioSampleReader(input)
            while try reader.read().first?.isEmpty == false {}
        }
        #expect(throws: MediaError.self) { try AudioAnalyzer.analyze(input) }
    }

    @Test("a clean float WAV passes as before")
    func cleanFloat() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("clean.wav")
        try Fixtures.floatWAV(input, seconds: 1, channels: 2)
        let result = try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        #expect(result.samples == 16000 && result.channels == 2)
        let reader = try AudioSampleReader(input)
        var total = 0
        while let block = try reader.read().first, !block.isEmpty { total += block.count }
        #expect(total == 16000)
    }
}
