import DubKitTestSupport
import Foundation
import Testing
@testable import LocalEngine

@Suite("VoiceConverter")
struct VoiceConverterTests {
    @Test("m3 converted towards f3 (trained on other text) takes f3's pitch and spectrum, keeps length and silence")
    func convertsM3TowardsF3() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-convert")
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let output = dir.path("m3-as-f3.wav")
        let summary = try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target)
        let source = try #require(summary.source)
        let converted = try VoiceAnalyzer.profile(of: [output])

        let f0Offset = SpeechFixtures.cents(converted.medianF0, over: target.medianF0)
        let before = source.spectralDistance(to: target)
        let after = converted.spectralDistance(to: target)
        let reduction = 1 - after / before
        print("m3→f3: source median F0 \(source.medianF0) Hz, target \(target.medianF0) Hz, output \(converted.medianF0) Hz "
            + "(\(f0Offset) cents); pitch ratio \(summary.meanPitchRatio), formant ratio \(summary.formantRatio); "
            + "spectral distance \(before) → \(after) dB (\(reduction * 100)% less)")
        let spread = converted.logF0StandardDeviation / target.logF0StandardDeviation
        print("m3→f3: log-F0 spread source \(source.logF0StandardDeviation), target \(target.logF0StandardDeviation), "
            + "output \(converted.logF0StandardDeviation)")
        #expect(abs(f0Offset) <= 50)
        #expect(abs(spread - 1) <= 0.25)
        #expect(reduction >= 0.30)

        let (inSamples, inRate) = try SpeechFixtures.samples(fixtures.m3Test)
        let (outSamples, outRate) = try SpeechFixtures.samples(output)
        #expect(outRate == inRate)
        let durationError = abs(Double(outSamples.count - inSamples.count)) / Double(inRate)
        #expect(durationError <= 0.020)
        // The 0.5 s of silence at each end (0.4 s checked, away from the speech's edge) stays silent.
        let edge = Int(0.4 * Double(outRate))
        let head = SpeechFixtures.level(outSamples.prefix(edge)), tail = SpeechFixtures.level(outSamples.suffix(edge))
        print("m3→f3: duration error \(durationError * 1000) ms, silence head \(head) dBFS, tail \(tail) dBFS")
        #expect(summary.clippedSamples == 0)
        #expect(head < -60)
        #expect(tail < -60)
    }

    @Test("modelVolumeMix sets output loudness between the source's (0) and the target's (1)", arguments: [0.0, 0.5, 1.0])
    func loudnessMix(_ mix: Double) throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-loudness")
        var target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        target.loudness -= 12
        let output = dir.path("mix.wav")
        let summary = try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target,
                                                 settings: ConversionSettings(modelVolumeMix: mix))
        let source = try #require(summary.source)
        let converted = try VoiceAnalyzer.profile(of: [output])
        let wanted = source.loudness + mix * (target.loudness - source.loudness)
        print("modelVolumeMix \(mix): wanted \(wanted) dBFS, got \(converted.loudness) dBFS")
        #expect(abs(converted.loudness - wanted) <= 1)
    }

    @Test("a built-in preset, with denoising on, sets the pitch without any target recording")
    func builtInPresetWithDenoise() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-preset")
        let target = try #require(BuiltInVoices.profile(named: "bright"))
        let output = dir.path("bright.wav")
        let summary = try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target,
                                                 settings: ConversionSettings(denoise: true))
        let converted = try VoiceAnalyzer.profile(of: [output])
        let offset = SpeechFixtures.cents(converted.medianF0, over: exp(target.logF0Mean))
        print("m3→bright (denoised): output median \(converted.medianF0) Hz (\(offset) cents), formant ratio \(summary.formantRatio)")
        #expect(abs(offset) <= 50)
        #expect(summary.formantRatio > 1.05)
    }

    @Test("strength 0 returns the input unchanged")
    func strengthZeroIsBypass() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-bypass")
        let output = dir.path("bypass.wav")
        let target = try #require(BuiltInVoices.profile(named: "child"))
        try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target,
                                   settings: ConversionSettings(conversionStrength: 0, modelVolumeMix: 1))
        let (a, _) = try SpeechFixtures.samples(fixtures.m3Test)
        let (b, _) = try SpeechFixtures.samples(output)
        #expect(a.count == b.count)
        let error = SpeechFixtures.level(zip(a, b).map { $0 - $1 }[...]) - SpeechFixtures.level(a[...])
        #expect(error < -50)
    }

    @Test("pitchShift +12 at strength 0 raises the median F0 by an octave")
    func pitchShiftOctave() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-octave")
        let output = dir.path("octave.wav")
        let target = try #require(BuiltInVoices.profile(named: "deep"))
        try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target,
                                   settings: ConversionSettings(pitchShift: 12, conversionStrength: 0))
        let before = try VoiceAnalyzer.profile(of: [fixtures.m3Test])
        let after = try VoiceAnalyzer.profile(of: [output])
        let shift = SpeechFixtures.cents(after.medianF0, over: before.medianF0)
        print("pitchShift +12: median F0 \(before.medianF0) → \(after.medianF0) Hz (\(shift) cents)")
        #expect(abs(shift - 1200) <= 30)
        let (a, _) = try SpeechFixtures.samples(fixtures.m3Test)
        let (b, _) = try SpeechFixtures.samples(output)
        #expect(abs(a.count - b.count) <= 441)
    }

    @Test("settings out of range are rejected", arguments: [
        ConversionSettings(pitchShift: 25), ConversionSettings(pitchShift: -24.5), ConversionSettings(conversionStrength: -0.1),
        ConversionSettings(conversionStrength: 1.1), ConversionSettings(modelVolumeMix: 2),
    ])
    func rejectsBadSettings(_ settings: ConversionSettings) throws {
        #expect(throws: LocalEngineError.self) { try settings.validate() }
    }
}
