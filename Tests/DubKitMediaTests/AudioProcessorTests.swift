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

    @Test("formants stay where they were when preserved and move with the pitch when shifted")
    func formants() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // A 150 Hz buzz through one resonance at 1 kHz: a vowel with a single formant.
        let source = scratch.url("vowel.wav")
        let harmonics = (1...40).map { "sin(2*PI*\(150 * $0)*t)/\($0)" }.joined(separator: "+")
        try FFmpegTool.run([
            "-f", "lavfi", "-i", "aevalsrc=0.05*(\(harmonics)):s=16000:d=2",
            "-af", "bandpass=f=1000:width_type=q:w=4,bandpass=f=1000:width_type=q:w=4,volume=8", "-c:a", "pcm_s16le", source.path,
        ])
        func centroid(_ preserve: Bool?) throws -> Double {
            let output = scratch.url("out-\(String(describing: preserve)).wav")
            let filters: [AudioFilter] = preserve.map { [.pitchShift(semitones: 7, preserveFormants: $0)] } ?? []
            try AudioProcessor.process(from: source, to: output, filters: filters)
            return PowerSpectrum(try WAVReader(output)).centroid(from: 300, to: 4000)
        }
        let original = try centroid(nil)
        let preserved = try centroid(true)
        let shifted = try centroid(false)
        // +7 semitones is ×1.5: shifted, the resonance moves with the harmonics; preserved, it moves
        // less than half as far (rubberband's envelope follows the new harmonics' spacing, not exactly).
        #expect(shifted / original > 1.35, "shifted: \(shifted) Hz against \(original) Hz")
        #expect(abs(log(preserved / original)) < 0.5 * log(shifted / original),
                "preserved: \(preserved) Hz, shifted: \(shifted) Hz, original: \(original) Hz")
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

    @Test("denoise lowers a noise floor by at least 10 dB and keeps the tone over it")
    func denoise() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let noisy = scratch.url("noisy.wav")
        try FFmpegTool.run(FFmpegTool.tone(rate: 44_100) + [
            "-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.02:sample_rate=44100:seed=7:duration=2",
            "-filter_complex", "amix=inputs=2:normalize=0", "-ac", "1", "-c:a", "pcm_s16le", noisy.path,
        ])
        let cleaned = scratch.url("cleaned.wav")
        try AudioProcessor.process(from: noisy, to: cleaned, filters: [.denoise()])
        let before = PowerSpectrum(try WAVReader(noisy))
        let after = PowerSpectrum(try WAVReader(cleaned))
        let noiseDrop = before.bandLevel(from: 2000, to: 20000) - after.bandLevel(from: 2000, to: 20000)
        let toneChange = after.bandLevel(from: 400, to: 480) - before.bandLevel(from: 400, to: 480)
        #expect(noiseDrop >= 10, "noise above 2 kHz fell by \(noiseDrop) dB")
        #expect(abs(toneChange) < 1.5, "the tone changed by \(toneChange) dB")
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
