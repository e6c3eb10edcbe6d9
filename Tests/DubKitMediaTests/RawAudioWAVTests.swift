import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("RawAudioWAV: headerless samples in and out of WAV files")
struct RawAudioWAVTests {
    @Test("the samples of an extracted WAV come out bare, and wrapped again they decode at their rate")
    func roundTrip() throws {
        let dir = try TemporaryDirectory("raw-wav")
        let source = dir.path("tone.wav"), wav = dir.path("22k.wav"), raw = dir.path("22k.raw"), back = dir.path("back.wav")
        try Fixtures.tone(source, seconds: 1.5, rate: 44_100)
        try AudioExtractor.extractAudio(from: source, to: wav,
                                        options: AudioExtractionOptions(sampleRate: 22_050, channels: .mono, format: .wav))

        let layout = try RawAudioWAV.unwrap(wav, to: raw)

        #expect(layout.formatTag == 1 && layout.sampleRate == 22_050 && layout.channels == 1 && layout.bitsPerSample == 16)
        let bytes = try Data(contentsOf: raw)
        #expect(Int64(bytes.count) == layout.dataBytes && abs(bytes.count - 66_150) <= 64) // 1.5 s × 22050 × 2
        #expect(bytes.prefix(4) != Data("RIFF".utf8))
        let seconds = try RawAudioWAV.wrap(raw, encoding: .s16le, sampleRate: 22_050, to: back)
        let stream = try #require(try MediaProbe.probe(back).audioStreams.first)
        #expect(stream.codecName == "pcm_s16le" && stream.sampleRate == 22_050 && abs(seconds - 1.5) < 0.01)
        #expect(try RawAudioWAV.layout(of: back).dataBytes == layout.dataBytes)
    }

    @Test("μ-law bytes are declared as format 7 with a fact chunk and decode at 8 kHz; an odd trailing byte of PCM is left out")
    func muLawAndPartialFrames() throws {
        let dir = try TemporaryDirectory("raw-wav")
        let raw = dir.path("mulaw.raw"), wav = dir.path("mulaw.wav"), odd = dir.path("odd.raw"), oddWAV = dir.path("odd.wav")
        try Data((0..<8000).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: raw)
        #expect(try RawAudioWAV.wrap(raw, encoding: .muLaw, sampleRate: 8000, to: wav) == 1)
        let info = try MediaProbe.probe(wav)
        #expect(info.audioStreams.first?.codecName == "pcm_mulaw" && info.audioStreams.first?.sampleRate == 8000)
        #expect(abs((info.durationSeconds ?? 0) - 1) < 0.01)
        let layout = try RawAudioWAV.layout(of: wav)
        #expect(layout.formatTag == 7 && layout.dataBytes == 8000)

        try Data(repeating: 0, count: 1001).write(to: odd)
        _ = try RawAudioWAV.wrap(odd, encoding: .s16le, sampleRate: 16_000, to: oddWAV)
        #expect(try RawAudioWAV.layout(of: oddWAV).dataBytes == 1000)
        #expect(throws: MediaError.self) { try RawAudioWAV.layout(of: odd) }
    }

    @Test("32-bit float samples are declared as format 3 and A-law as format 6; both decode at their rate and length")
    func floatAndALaw() throws {
        let dir = try TemporaryDirectory("raw-wav")
        let source = dir.path("tone.wav"), floatWAV = dir.path("f32.wav"), floats = dir.path("f32.raw"), back = dir.path("back.wav")
        try Fixtures.tone(source, seconds: 1, rate: 24_000)
        try AudioExtractor.extractAudio(from: source, to: floatWAV,
                                        options: AudioExtractionOptions(channels: .mono, encoding: .f32, format: .wav))
        let extracted = try RawAudioWAV.unwrap(floatWAV, to: floats)
        // FFmpeg may declare its float WAV as extensible (0xFFFE); the samples are 32-bit floats either way.
        #expect([3, 0xFFFE].contains(extracted.formatTag) && extracted.bitsPerSample == 32, "\(extracted)")

        #expect(abs(try RawAudioWAV.wrap(floats, encoding: .f32le, sampleRate: 24_000, to: back) - 1) < 0.01)
        let stream = try #require(try MediaProbe.probe(back).audioStreams.first)
        #expect(stream.codecName == "pcm_f32le" && stream.sampleRate == 24_000)
        let layout = try RawAudioWAV.layout(of: back)
        #expect(layout.formatTag == 3 && layout.bitsPerSample == 32 && layout.dataBytes == extracted.dataBytes)

        let aLaw = dir.path("alaw.raw"), aLawWAV = dir.path("alaw.wav")
        try Data((0..<16_000).map { UInt8(truncatingIfNeeded: $0 &* 53) }).write(to: aLaw)
        #expect(try RawAudioWAV.wrap(aLaw, encoding: .aLaw, sampleRate: 16_000, to: aLawWAV) == 1)
        let info = try MediaProbe.probe(aLawWAV)
        #expect(info.audioStreams.first?.codecName == "pcm_alaw" && info.audioStreams.first?.sampleRate == 16_000)
        #expect(abs((info.durationSeconds ?? 0) - 1) < 0.01)
        #expect(try RawAudioWAV.layout(of: aLawWAV).formatTag == 6)
    }
}
