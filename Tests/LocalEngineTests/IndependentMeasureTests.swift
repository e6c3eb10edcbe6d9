import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// The test-side measurements (CorrelationPitchTracker, ERBSpectrum) checked on signals whose answer is known,
/// so the quality tests that rely on them measure what they claim.
@Suite("Independent measurements")
struct IndependentMeasureTests {
    /// Writes `seconds` of a harmonic complex at `f0` Hz with a 5 Hz vibrato of ±3%, with 0.3 s pauses.
    static func harmonicTone(_ url: URL, f0: Double, rate: Int = 16_000, seconds: Double = 2) throws {
        var samples = [Float](repeating: 0, count: Int(0.3 * Double(rate)))
        var phase = 0.0
        for i in 0..<Int(seconds * Double(rate)) {
            let t = Double(i) / Double(rate)
            phase += 2 * .pi * f0 * (1 + 0.03 * sin(2 * .pi * 5 * t)) / Double(rate)
            var v = 0.0
            for k in 1...12 where Double(k) * f0 < 0.45 * Double(rate) { v += 0.1 / Double(k) * sin(Double(k) * phase) }
            samples.append(Float(v))
        }
        samples += [Float](repeating: 0, count: Int(0.3 * Double(rate)))
        let writer = try PCMWAVWriter(url, sampleRate: rate)
        try writer.write(samples)
        try writer.finish()
    }

    @Test("the correlation tracker finds a known F0 within 5 cents, and no voice in silence", arguments: [95.0, 137.0, 230.0, 330.0])
    func trackerOnKnownTones(_ f0: Double) throws {
        let dir = try TemporaryDirectory("measure-tone")
        let url = dir.path("tone.wav")
        try Self.harmonicTone(url, f0: f0)
        let track = try CorrelationPitchTracker.track(url)
        let (median, voiced) = try CorrelationPitchTracker.median(url)
        print("tone \(f0) Hz: median \(median) Hz (\(TestAudio.cents(median, over: f0)) cents), \(voiced) of \(track.count) frames voiced")
        #expect(abs(TestAudio.cents(median, over: f0)) <= 5)
        // 2 s of tone in 2.6 s: the pauses are not voiced.
        #expect((170...205).contains(voiced))
    }

    @Test("the correlation tracker puts espeak-ng m3 and f3 in their documented pitch ranges")
    func trackerOnEspeak() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let m3 = try CorrelationPitchTracker.median(fixtures.m3Train).f0
        let f3 = try CorrelationPitchTracker.median(fixtures.f3Train).f0
        print("espeak-ng by the correlation tracker: m3 \(m3) Hz, f3 \(f3) Hz")
        #expect((80...122).contains(m3))
        #expect((140...240).contains(f3))
    }

    @Test("the ERB spectrum ignores level, tells voices apart, and finds a filter")
    func erbSpectrum() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let (m3, rate) = try TestAudio.samples(fixtures.m3Train, rate: 16_000)
        let f3 = try TestAudio.samples(fixtures.f3Train, rate: 16_000).samples
        let m3Again = try ERBSpectrum(fixtures.m3Test, rate: 16_000)
        let base = ERBSpectrum(m3, rate: rate)
        let quieter = ERBSpectrum(m3.map { $0 * 0.1 }, rate: rate)
        // A first difference tilts the spectrum up by about 6 dB per octave.
        let tilted = ERBSpectrum(zip(m3, [0] + m3).map { $0 - $1 }, rate: rate)
        let other = ERBSpectrum(f3, rate: rate)
        print("ERB distances: level \(base.distance(to: quieter)) dB, m3 other text \(base.distance(to: m3Again)) dB, "
            + "tilt \(base.distance(to: tilted)) dB, m3–f3 \(base.distance(to: other)) dB; \(base.edges.count) bands")
        #expect(base.edges.count >= 25)
        #expect(base.distance(to: quieter) < 0.01)
        #expect(base.distance(to: tilted) > 5)
        #expect(base.distance(to: other) > 1.5 * base.distance(to: m3Again))
    }
}
