import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

@Suite("VoiceConverter on a minute of audio")
struct LongConversionTests {
    /// 25 s of m3 speech, a 10 s steady voiced tone (110 Hz, harmonics to 5 kHz), 25 s of speech: 60 s at the fixture rate.
    static func minute(from speech: URL, into url: URL) throws -> (rate: Int, toneStart: Int, toneEnd: Int) {
        let (words, rate) = try SpeechFixtures.samples(speech)
        var samples: [Float] = []
        func addSpeech(_ seconds: Int) {
            let end = samples.count + seconds * rate
            while samples.count < end { samples += words.prefix(end - samples.count) }
        }
        addSpeech(25)
        let toneStart = samples.count
        for i in 0..<(10 * rate) {
            let t = Double(i) / Double(rate)
            var v = 0.0
            for k in 1...45 where Double(k) * 110 < 5000 { v += 0.12 / pow(Double(k), 1.2) * sin(2 * .pi * 110 * Double(k) * t + Double(k * k)) }
            samples.append(Float(v))
        }
        let toneEnd = samples.count
        addSpeech(25)
        let writer = try PCMWAVWriter(url, sampleRate: rate)
        try writer.write(samples)
        try writer.finish()
        return (rate, toneStart, toneEnd)
    }

    @Test("a minute converts to exactly its length, and a steady voiced tone comes out without clicks")
    func minuteWithoutClicks() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-long")
        let input = dir.path("minute.wav")
        let (rate, toneStart, toneEnd) = try Self.minute(from: fixtures.m3Test, into: input)
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let output = dir.path("minute-as-f3.wav")
        let summary = try VoiceConverter.convert(input: input, output: output, target: target)
        let (inSamples, _) = try SpeechFixtures.samples(input)
        let (outSamples, outRate) = try SpeechFixtures.samples(output)
        #expect(outRate == rate)
        let durationError = abs(Double(outSamples.count - inSamples.count)) / Double(rate)
        #expect(durationError <= 0.020)

        // A click is a jump between neighbouring samples far above what the steady tone makes every period:
        // compare each 10 ms block's largest step with the median block's (0.5 s kept off the tone's edges).
        let block = rate / 100
        let region = outSamples[(toneStart + rate / 2)..<(toneEnd - rate / 2)]
        var steps: [Float] = []
        var start = region.startIndex
        while start + block <= region.endIndex {
            var largest: Float = 0
            for i in (start + 1)..<(start + block) { largest = max(largest, abs(region[i] - region[i - 1])) }
            steps.append(largest)
            start += block
        }
        let median = steps.sorted()[steps.count / 2]
        let worst = steps.max() ?? 0
        let toneLevel = SpeechFixtures.level(region)
        print("60 s m3→f3: \(outSamples.count) of \(inSamples.count) samples, pitch ratio \(summary.meanPitchRatio), "
            + "tone \(toneLevel) dBFS, largest step per 10 ms: median \(median), worst \(worst) (\(worst / median)×)")
        #expect(toneLevel > -40)
        #expect(worst <= 1.5 * median)
    }
}
