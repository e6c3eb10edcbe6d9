import DubKitMedia
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

@Suite("VoiceAnalyzer")
struct VoiceAnalyzerTests {
    @Test("espeak-ng m3 and f3 profiles land in their known pitch ranges, f3 with higher formants")
    func profilesOfKnownVoices() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let m3 = try VoiceAnalyzer.profile(of: [fixtures.m3Train])
        let f3 = try VoiceAnalyzer.profile(of: [fixtures.f3Train])
        let alpha = SpectralBands.bestWarp(from: m3.longTermSpectrum, to: f3.longTermSpectrum)
        print("m3: median \(m3.medianF0) Hz, sd \(m3.logF0StandardDeviation), scale \(m3.formantScale), \(m3.loudness) dBFS; "
            + "f3: median \(f3.medianF0) Hz, sd \(f3.logF0StandardDeviation), scale \(f3.formantScale), \(f3.loudness) dBFS; "
            + "best warp m3→f3 \(alpha)")
        #expect((80...125).contains(m3.medianF0))
        #expect((140...240).contains(f3.medianF0))
        #expect(f3.formantScale > m3.formantScale)
        #expect(alpha > 1.05)
        #expect(m3.longTermSpectrum.count == VoiceProfile.bandCentres.count)
    }

    @Test("a profile survives a JSON round trip")
    func codable() throws {
        let fixtures = try SpeechFixtures.shared.get()
        let profile = try VoiceAnalyzer.profile(of: [fixtures.f3Train, fixtures.f3Test])
        let decoded = try JSONDecoder().decode(VoiceProfile.self, from: JSONEncoder().encode(profile))
        #expect(decoded == profile)
        #expect(profile.engineVersion == VoiceProfile.currentEngineVersion)
    }

    @Test("silence has no voice to profile")
    func silenceThrows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("silence-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try PCMWAVWriter(dir, sampleRate: 16_000)
        try writer.write([Float](repeating: 0, count: 32_000))
        try writer.finish()
        #expect(throws: LocalEngineError.self) { try VoiceAnalyzer.profile(of: [dir]) }
    }

    @Test("built-in presets exist with a full spectrum and a voice's pitch", arguments: BuiltInVoices.names)
    func presets(_ name: String) throws {
        let profile = try #require(BuiltInVoices.profile(named: name))
        #expect(profile.origin == .builtIn)
        #expect(profile.longTermSpectrum.count == VoiceProfile.bandCentres.count)
        #expect((50...500).contains(profile.medianF0))
        #expect(BuiltInVoices.profile(named: name.uppercased()) == profile)
    }

    @Test("built-in presets are listed from deep to child: pitch and formant scale rise along the list")
    func presetsOrdered() throws {
        let profiles = try BuiltInVoices.names.map { try #require(BuiltInVoices.profile(named: $0)) }
        #expect(BuiltInVoices.names.first == "deep" && BuiltInVoices.names.last == "child")
        #expect(zip(profiles, profiles.dropFirst()).allSatisfy { $0.medianF0 < $1.medianF0 && $0.formantScale < $1.formantScale })
        #expect(BuiltInVoices.profile(named: "nobody") == nil)
    }
}
