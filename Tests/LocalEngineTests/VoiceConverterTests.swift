import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

@Suite("VoiceConverter")
struct VoiceConverterTests {
    /// Quality as the issue states it, measured by the tests' own tools (CorrelationPitchTracker, ERBSpectrum,
    /// ffmpeg's decoding) rather than by the engine's analyser, whose bands the EQ is fitted to.
    @Test("m3 converted towards f3 (trained on other text) takes f3's pitch and spectrum, keeps length and silence")
    func convertsM3TowardsF3() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-convert")
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let output = dir.path("m3-as-f3.wav")
        let summary = try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target)
        let source = try #require(summary.source)
        let converted = try VoiceAnalyzer.profile(of: [output])

        let targetF0 = try CorrelationPitchTracker.median(fixtures.f3Train).f0
        let sourceF0 = try CorrelationPitchTracker.median(fixtures.m3Test).f0
        let outputF0 = try CorrelationPitchTracker.median(output).f0
        let f0Offset = TestAudio.cents(outputF0, over: targetF0)
        let targetSpectrum = try ERBSpectrum(fixtures.f3Train, rate: 16_000)
        let before = try ERBSpectrum(fixtures.m3Test, rate: 16_000).distance(to: targetSpectrum)
        let after = try ERBSpectrum(output, rate: 16_000).distance(to: targetSpectrum)
        let reduction = 1 - after / before
        print("m3→f3 (independent): median F0 source \(sourceF0) Hz, target \(targetF0) Hz, output \(outputF0) Hz "
            + "(\(f0Offset) cents); ERB spectrum distance \(before) → \(after) dB (\(reduction * 100)% less)")
        print("m3→f3 (engine): median F0 source \(source.medianF0), target \(target.medianF0), output \(converted.medianF0) Hz; "
            + "band distance \(source.spectralDistance(to: target)) → \(converted.spectralDistance(to: target)) dB; "
            + "pitch ratio \(summary.meanPitchRatio), formant ratio \(summary.formantRatio); log-F0 spread source "
            + "\(source.logF0StandardDeviation), target \(target.logF0StandardDeviation), output \(converted.logF0StandardDeviation)")
        #expect(abs(f0Offset) <= 50)
        #expect(reduction >= 0.30)
        #expect(abs(converted.logF0StandardDeviation / target.logF0StandardDeviation - 1) <= 0.25)

        let (inSamples, inRate) = try TestAudio.samples(fixtures.m3Test)
        let (outSamples, outRate) = try TestAudio.samples(output)
        #expect(outRate == inRate)
        let durationError = abs(Double(outSamples.count - inSamples.count)) / Double(inRate)
        #expect(durationError <= 0.020)
        #expect(summary.clippedSamples == 0)
        // Silence stays silence: the padding at both ends and the pause between the sentences, each measured
        // 40 ms inside its edges (a grain reaches 20 ms, the EQ's kernel 13 ms, beyond the speech).
        let pauses = TestAudio.quietStretches(inSamples, rate: inRate)
        let margin = inRate / 25
        let interior = pauses.filter { $0.lowerBound > 0 && $0.upperBound < inSamples.count - inRate / 100 }
        let levels = pauses.map { TestAudio.level(outSamples[($0.lowerBound + margin)..<min(outSamples.count, $0.upperBound - margin)]) }
        print("m3→f3: duration error \(durationError * 1000) ms; silent stretches \(pauses.map { "\(Double($0.lowerBound) / Double(inRate))–\(Double($0.upperBound) / Double(inRate)) s" }) "
            + "at \(levels) dBFS")
        #expect(pauses.count >= 3 && interior.count >= 1, "the fixture has padding at both ends and a pause between its sentences")
        #expect(levels.allSatisfy { $0 < -60 })
    }

    @Test("pitchShift on top of a full mapping moves the mapped pitch by the shift")
    func pitchShiftAfterMapping() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-shift-mapped")
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let plain = dir.path("plain.wav"), shifted = dir.path("shifted.wav")
        try VoiceConverter.convert(input: fixtures.m3Test, output: plain, target: target)
        try VoiceConverter.convert(input: fixtures.m3Test, output: shifted, target: target, settings: ConversionSettings(pitchShift: -5))
        let shift = TestAudio.cents(try CorrelationPitchTracker.median(shifted).f0, over: try CorrelationPitchTracker.median(plain).f0)
        print("m3→f3 with pitchShift -5: \(shift) cents from the plain mapping")
        #expect(abs(shift + 500) <= 30)
    }

    @Test("strength 0.5 moves the median F0 half of the way in log frequency")
    func halfStrength() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-half")
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let output = dir.path("half.wav")
        try VoiceConverter.convert(input: fixtures.m3Test, output: output, target: target,
                                   settings: ConversionSettings(conversionStrength: 0.5))
        let source = try CorrelationPitchTracker.median(fixtures.m3Test).f0
        let whole = TestAudio.cents(try CorrelationPitchTracker.median(fixtures.f3Train).f0, over: source)
        let moved = TestAudio.cents(try CorrelationPitchTracker.median(output).f0, over: source)
        print("strength 0.5: moved \(moved) cents of \(whole)")
        #expect(abs(moved - whole / 2) <= 50)
    }

    @Test("denoise lowers the noise floor of a noisy recording and keeps the voice")
    func denoiseLowersNoise() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-denoise")
        // The m3 clip with steady white noise at -45 dBFS; its pauses are where the noise floor shows.
        let (clean, rate) = try SpeechFixtures.samples(fixtures.m3Test)
        var seed: UInt32 = 7
        let noisy = clean.map { sample -> Float in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return sample + Float(Int32(bitPattern: seed)) / Float(Int32.max) * 0.0097
        }
        let input = dir.path("noisy.wav")
        let writer = try PCMWAVWriter(input, sampleRate: rate)
        try writer.write(noisy)
        try writer.finish()
        let pauses = TestAudio.quietStretches(clean, rate: rate)
        let target = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        func snr(_ denoise: Bool) throws -> (snr: Double, noise: Double, f0: Double) {
            let output = dir.path("out-\(denoise).wav")
            try VoiceConverter.convert(input: input, output: output, target: target, settings: ConversionSettings(denoise: denoise))
            let samples = try TestAudio.samples(output).samples
            let margin = rate / 25
            let noise = pauses.map { TestAudio.level(samples[($0.lowerBound + margin)..<($0.upperBound - margin)]) }.reduce(0, +) / Double(pauses.count)
            return (TestAudio.level(samples[...]) - noise, noise, try CorrelationPitchTracker.median(output).f0)
        }
        let plain = try snr(false), denoised = try snr(true)
        let targetF0 = try CorrelationPitchTracker.median(fixtures.f3Train).f0
        print("noisy m3→f3: noise floor \(plain.noise) dBFS (SNR \(plain.snr) dB), denoised \(denoised.noise) dBFS (SNR \(denoised.snr) dB); "
            + "median F0 \(plain.f0) / \(denoised.f0) Hz, target \(targetF0) Hz")
        #expect(pauses.count >= 3)
        #expect(denoised.snr >= plain.snr + 6)
        #expect(abs(TestAudio.cents(denoised.f0, over: targetF0)) <= 50)
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
        let outputF0 = try CorrelationPitchTracker.median(output).f0
        let offset = TestAudio.cents(outputF0, over: target.medianF0)
        print("m3→bright (denoised): output median \(outputF0) Hz (\(offset) cents), formant ratio \(summary.formantRatio)")
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
        print("strength 0: error \(error) dB below the signal")
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
        let before = try CorrelationPitchTracker.median(fixtures.m3Test).f0
        let after = try CorrelationPitchTracker.median(output).f0
        let shift = TestAudio.cents(after, over: before)
        print("pitchShift +12: median F0 \(before) → \(after) Hz (\(shift) cents)")
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

    @Test("the engine takes the catalogue's pitch range: both ends pass, a semitone beyond is refused with the range named")
    func pitchRangeIsTheCatalogues() throws {
        let range = ParameterCatalogue.pitchShift.range
        try ConversionSettings(pitchShift: Double(range.lowerBound)).validate()
        try ConversionSettings(pitchShift: Double(range.upperBound)).validate()
        for beyond in [range.lowerBound - 1, range.upperBound + 1] {
            #expect(throws: LocalEngineError.invalidSetting("pitchShift \(Double(beyond)) is outside -24...24 semitones")) {
                try ConversionSettings(pitchShift: Double(beyond)).validate()
            }
        }
    }
}
