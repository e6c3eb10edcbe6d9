import DubKitMedia
import Foundation
import Testing

@Suite("audio mixing")
struct AudioMixerTests {
    @Test("a quiet tone under a loud one leaves the loud one's pitch")
    func loudToneWins() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let loud = try VideoFixture.dub("440.wav", frequency: 440, seconds: 2, in: scratch)
        let quiet = try VideoFixture.dub("660.wav", frequency: 660, seconds: 2, in: scratch)
        let output = scratch.url("mix.wav")
        try AudioMixer.mix([AudioMixInput(file: loud), AudioMixInput(file: quiet, gainDecibels: -60)], to: output)
        let wav = try WAVReader(output)
        #expect(abs(wav.toneFrequency() - 440) < 3, "mix measures \(wav.toneFrequency()) Hz")

        let swapped = scratch.url("swapped.wav")
        try AudioMixer.mix([AudioMixInput(file: loud, gainDecibels: -60), AudioMixInput(file: quiet)], to: swapped)
        #expect(abs(try WAVReader(swapped).toneFrequency() - 660) < 3)
    }

    @Test("the output is as long as the longer input, at the first input's rate", arguments: [(1.0, 2.5), (3.0, 1.5)])
    func lengthOfLonger(first: Double, second: Double) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let a = try VideoFixture.dub("a.wav", frequency: 440, seconds: first, rate: 44_100, in: scratch)
        let b = try VideoFixture.dub("b.wav", frequency: 660, seconds: second, rate: 48_000, in: scratch)
        let output = scratch.url("mix.wav")
        let result = try AudioMixer.mix([AudioMixInput(file: a), AudioMixInput(file: b)], to: output)
        let wav = try WAVReader(output)
        #expect(wav.sampleRate == 44_100)
        #expect(abs(wav.durationSeconds - max(first, second)) < 0.005, "mix lasts \(wav.durationSeconds) s")
        #expect(result.samples == Int64(wav.frames))
    }

    @Test("gains change the level by as many dB as asked", arguments: [-6.0, -20.0, 6.0])
    func gainChangesLevel(decibels: Double) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tone = scratch.url("tone.wav")
        try FFmpegTool.run(FFmpegTool.tone(440, seconds: 2) + ["-af", "volume=0.25", "-c:a", "pcm_s16le", tone.path])
        let silence = scratch.url("silence.wav")
        try FFmpegTool.run(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2", "-c:a", "pcm_s16le", silence.path])
        let reference = scratch.url("reference.wav")
        try AudioMixer.mix([AudioMixInput(file: tone), AudioMixInput(file: silence)], to: reference)
        let changed = scratch.url("changed.wav")
        try AudioMixer.mix([AudioMixInput(file: tone, gainDecibels: decibels), AudioMixInput(file: silence)], to: changed)

        let measured = 20 * log10(try WAVReader(changed).rms() / WAVReader(reference).rms())
        #expect(abs(measured - decibels) < 0.1, "level changed by \(measured) dB")
        // At 0 dB over silence the mix is the tone itself.
        #expect(abs(try WAVReader(reference).rms() - WAVReader(tone).rms()) < 0.0005)
    }

    @Test("mixes into FLAC and MP3 by the output's extension, stereo when an input is")
    func otherFormats() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let mono = try VideoFixture.dub("mono.wav", frequency: 440, seconds: 1, in: scratch)
        let stereo = scratch.url("stereo.wav")
        try FFmpegTool.run(FFmpegTool.tone(440, seconds: 1) + ["-ac", "2", "-af", "volume=0.5", stereo.path])
        for name in ["mix.flac", "mix.mp3"] {
            let result = try AudioMixer.mix([AudioMixInput(file: mono), AudioMixInput(file: stereo)], to: scratch.url(name))
            #expect(result.channels == 2)
            let back = scratch.url(name + ".wav")
            try AudioExtractor.extractAudio(from: scratch.url(name), to: back)
            let wav = try WAVReader(back)
            #expect(wav.channels == 2)
            #expect(abs(wav.toneFrequency(channel: 1) - 440) < 3)
        }
    }

    @Test("the async form can be cancelled and leaves no output")
    func cancellation() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let a = try VideoFixture.dub("a.wav", frequency: 440, seconds: 600, in: scratch)
        let b = try VideoFixture.dub("b.wav", frequency: 660, seconds: 600, in: scratch)
        let before = scratch.contents()
        let task = Task {
            try await AudioMixer.mix([AudioMixInput(file: a), AudioMixInput(file: b)], to: scratch.url("mix.flac"))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(scratch.contents() == before)
    }

    @Test("rejects bad requests with a typed error and leaves no output")
    func rejects() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tone = try VideoFixture.dub("tone.wav", frequency: 440, seconds: 1, in: scratch)
        let silentVideo = scratch.url("silent.mp4")
        try FFmpegTool.run(FFmpegTool.video(seconds: 1) + ["-c:v", "libx264", "-preset", "ultrafast", silentVideo.path])
        let before = Set(scratch.contents())
        #expect(throws: MediaError.noAudioStream(path: silentVideo.path)) {
            try AudioMixer.mix([AudioMixInput(file: tone), AudioMixInput(file: silentVideo)], to: scratch.url("a.wav"))
        }
        #expect(throws: MediaError.fileMissing(path: scratch.url("nope.wav").path)) {
            try AudioMixer.mix([AudioMixInput(file: tone), AudioMixInput(file: scratch.url("nope.wav"))], to: scratch.url("b.wav"))
        }
        #expect(throws: MediaError.self) {
            try AudioMixer.mix([AudioMixInput(file: tone, gainDecibels: 100)], to: scratch.url("c.wav"))
        }
        #expect(throws: MediaError.self) {
            try AudioMixer.mix([AudioMixInput(file: tone)], to: scratch.url("d.ogg"))
        }
        #expect(Set(scratch.contents()) == before, "left behind: \(Set(scratch.contents()).subtracting(before))")
    }
}
