import DubKitMedia
import Foundation
import Testing

@Suite("audio effects")
struct AudioProcessorTests {
    /// Runs `filters` over a 2 s 440 Hz mono tone at 44.1 kHz and reads the WAV back.
    private func processTone(_ filters: [AudioFilter], in scratch: Scratch) throws -> WAVReader {
        let source = scratch.url("tone.wav")
        try FFmpegTool.run(FFmpegTool.tone(rate: 44_100) + ["-ac", "1", source.path])
        let output = scratch.url("out.wav")
        try AudioProcessor.process(from: source, to: output, filters: filters)
        return try WAVReader(output)
    }

    @Test("+12 semitones turns 440 Hz into 880 Hz and keeps the length", arguments: [true, false])
    func pitchShiftOctave(preserveFormants: Bool) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let wav = try processTone([.pitchShift(semitones: 12, preserveFormants: preserveFormants)], in: scratch)
        #expect(abs(wav.toneFrequency() - 880) < 5, "frequency \(wav.toneFrequency()) Hz")
        #expect(abs(wav.durationSeconds - SourceFixture.seconds) < 0.1)
    }

    @Test("-12 semitones turns 440 Hz into 220 Hz")
    func pitchShiftDown() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let wav = try processTone([.pitchShift(semitones: -12)], in: scratch)
        #expect(abs(wav.toneFrequency() - 220) < 4, "frequency \(wav.toneFrequency()) Hz")
    }

    @Test("tempo changes length, not pitch", arguments: [2.0, 0.8, 0.4])
    func tempo(factor: Double) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let wav = try processTone([.tempo(factor)], in: scratch)
        #expect(abs(wav.durationSeconds - SourceFixture.seconds / factor) < 0.05, "duration \(wav.durationSeconds)")
        #expect(abs(wav.toneFrequency() - 440) < 4)
    }

    @Test("gain of -6 dB halves the level")
    func gain() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let plain = try processTone([], in: scratch).rms()
        let quieter = try processTone([.gain(decibels: -6)], in: scratch).rms()
        #expect(abs(quieter / plain - 0.501) < 0.02)
    }

    @Test("loudness normalisation raises a quiet tone towards the target")
    func loudness() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let plain = try processTone([], in: scratch).rms()
        let normalised = try processTone([.gain(decibels: -20), .loudness(targetLUFS: -16)], in: scratch)
        // A sine at -16 LUFS has an RMS near -16 dBFS, i.e. ~0.16; the raw tone is at 1/8 amplitude (~0.088 RMS).
        #expect(normalised.rms() > plain)
        #expect(abs(normalised.toneFrequency() - 440) < 4)
    }

    @Test("denoise keeps a clean tone")
    func denoise() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let wav = try processTone([.denoise()], in: scratch)
        #expect(abs(wav.toneFrequency() - 440) < 3)
        #expect(wav.rms() > 0.05)
    }

    @Test("effects keep a 5.1 layout and feed a fixed-frame MP3 encoder")
    func surroundToMP3() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try SourceFixture.all[3].make(in: scratch)
        let surround = scratch.url("surround.wav")
        let result = try AudioProcessor.process(from: source, to: surround, filters: [.gain(decibels: -3), .tempo(1.25)])
        #expect(result.channels == 6)
        #expect(try WAVReader(surround).channels == 6)

        let mp3 = scratch.url("shifted.mp3")
        try AudioProcessor.process(
            from: source, to: mp3, filters: [.pitchShift(semitones: 7)],
            options: AudioExtractionOptions(sampleRate: 22_050, channels: .mono))
        let back = scratch.url("back.wav")
        try AudioExtractor.extractAudio(from: mp3, to: back)
        // +7 semitones: 440 × 2^(7/12) ≈ 659.3 Hz.
        #expect(abs(try WAVReader(back).toneFrequency() - 659.3) < 5)
    }

    @Test("out-of-range effects are refused before anything is written", arguments: [
        AudioFilter.pitchShift(semitones: 30), .tempo(0.1), .gain(decibels: 90), .denoise(noiseFloor: 0),
        .loudness(targetLUFS: 3),
    ])
    func refusesBadParameters(_ filter: AudioFilter) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = scratch.url("tone.wav")
        try FFmpegTool.run(FFmpegTool.tone(seconds: 0.2) + [source.path])
        let output = scratch.url("out.wav")
        #expect {
            try AudioProcessor.process(from: source, to: output, filters: [filter])
        } throws: { error in
            guard case MediaError.invalidFilter(let path, _) = error else { return false }
            return path == output.path
        }
        #expect(scratch.contents() == ["tone.wav"])
    }
}
