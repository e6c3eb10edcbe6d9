import DubKitMedia
import Foundation
import Testing

@Suite("audio extraction")
struct AudioExtractorTests {
    @Test("extracts a 16 kHz mono WAV with the right length and pitch", arguments: SourceFixture.all)
    func extractsSpeechFormat(_ fixture: SourceFixture) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.url("out.wav")
        let result = try AudioExtractor.extractAudio(
            from: try fixture.make(in: scratch), to: output,
            options: AudioExtractionOptions(sampleRate: 16_000, channels: .mono))

        let wav = try WAVReader(output)
        #expect(wav.sampleRate == 16_000)
        #expect(wav.channels == 1)
        #expect(wav.bitsPerSample == 16)
        let frame = Double(fixture.frameSamples) / Double(fixture.sampleRate)
        #expect(abs(wav.durationSeconds - SourceFixture.seconds) <= frame + 0.002,
                "duration \(wav.durationSeconds) s")
        #expect(abs(wav.toneFrequency() - 440) < 3, "frequency \(wav.toneFrequency()) Hz")
        #expect(result.samples == Int64(wav.frames))
        #expect(result.sourceCodec == fixture.audioCodec)
        #expect(result.skippedPackets == 0)
        #expect(scratch.contents().filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test("keeps the source's rate and channels by default", arguments: SourceFixture.all)
    func keepsRateAndChannels(_ fixture: SourceFixture) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.url("out.wav")
        try AudioExtractor.extractAudio(from: try fixture.make(in: scratch), to: output)

        let wav = try WAVReader(output)
        #expect(wav.sampleRate == fixture.sampleRate)
        #expect(wav.channels == fixture.channels)
    }

    @Test("writes stereo from mono and 5.1 sources", arguments: [SourceFixture.all[1], SourceFixture.all[3]])
    func writesStereo(_ fixture: SourceFixture) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.url("out.wav")
        try AudioExtractor.extractAudio(
            from: try fixture.make(in: scratch), to: output, options: AudioExtractionOptions(channels: .stereo))
        let wav = try WAVReader(output)
        #expect(wav.channels == 2)
        #expect(abs(wav.toneFrequency(channel: 1) - 440) < 3)
    }

    @Test("writes FLAC, MP3 and 24-bit/float WAV that decode back to the same tone", arguments: [
        ("out.flac", AudioSampleEncoding.s16, "flac"),
        ("out24.flac", .s24, "flac"),
        ("out.mp3", .s16, "mp3"),
        ("out24.wav", .s24, "pcm_s24le"),
        ("outf.wav", .f32, "pcm_f32le"),
    ])
    func writesOtherFormats(name: String, encoding: AudioSampleEncoding, codec: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try SourceFixture.all[5].make(in: scratch)
        let output = scratch.url(name)
        try AudioExtractor.extractAudio(
            from: source, to: output, options: AudioExtractionOptions(sampleRate: 44_100, encoding: encoding))

        let info = try MediaProbe.probe(output)
        let audio = try #require(info.audioStreams.first)
        #expect(audio.codecName == codec)
        #expect(audio.sampleRate == 44_100)
        #expect(abs((info.durationSeconds ?? 0) - SourceFixture.seconds) < 0.06)
        let back = scratch.url("back.wav")
        try AudioExtractor.extractAudio(from: output, to: back)
        #expect(abs(try WAVReader(back).toneFrequency() - 440) < 3)
    }

    @Test("picks the audio stream by index or by language")
    func selectsStreams() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = scratch.url("two-languages.mkv")
        try FFmpegTool.run(
            FFmpegTool.video() + FFmpegTool.tone(440) + FFmpegTool.tone(660)
                + ["-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac",
                   "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", source.path])
        let cases: [(AudioStreamSelection, Double)] = [
            (.first, 440), (.index(1), 440), (.index(2), 660), (.language("fra"), 660), (.language("ENG"), 440),
        ]
        for (selection, frequency) in cases {
            let output = scratch.url("out.wav")
            try AudioExtractor.extractAudio(from: source, to: output, options: AudioExtractionOptions(stream: selection))
            #expect(abs(try WAVReader(output).toneFrequency() - frequency) < 3, "\(selection)")
        }
        for selection in [AudioStreamSelection.index(0), .index(7), .language("deu")] {
            #expect(throws: MediaError.self) {
                try AudioExtractor.extractAudio(
                    from: source, to: scratch.url("none.wav"), options: AudioExtractionOptions(stream: selection))
            }
        }
        #expect(!scratch.contents().contains("none.wav"))
    }

    @Test("reports progress from 0 to 1 in order")
    func reportsProgress() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try SourceFixture.all[0].make(in: scratch)
        var fractions: [Double] = []
        try AudioExtractor.extractAudio(from: source, to: scratch.url("out.wav")) { fractions.append($0) }
        #expect(fractions.count > 10)
        #expect(fractions == fractions.sorted())
        #expect(fractions.last == 1)
    }

    @Test("extracts speech from espeak-ng without losing it")
    func extractsSpeech() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let speech = scratch.url("speech.wav")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-w", speech.path, "The quick brown fox jumps over the lazy dog."]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let source = try #require(try MediaProbe.probe(speech).durationSeconds)

        let output = scratch.url("speech.flac")
        let result = try AudioExtractor.extractAudio(
            from: speech, to: output, options: AudioExtractionOptions(sampleRate: 16_000, channels: .mono))
        #expect(abs(result.durationSeconds - source) < 0.01)
        let back = scratch.url("back.wav")
        try AudioExtractor.extractAudio(from: output, to: back)
        #expect(try WAVReader(back).rms() > 0.01)
    }

    @Test("replaces an existing output only when the new one is complete")
    func replacesExistingOutput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.url("out.wav")
        try Data("old".utf8).write(to: output)
        try AudioExtractor.extractAudio(from: try SourceFixture.all[4].make(in: scratch), to: output)
        #expect(try WAVReader(output).sampleRate == 8_000)

        try Data("old".utf8).write(to: output)
        let empty = scratch.url("empty.mp4")
        try Data().write(to: empty)
        #expect(throws: MediaError.zeroLength(path: empty.path)) {
            try AudioExtractor.extractAudio(from: empty, to: output)
        }
        #expect(try Data(contentsOf: output) == Data("old".utf8))
    }
}

@Suite("async audio extraction")
struct AsyncAudioExtractorTests {
    @Test("the async form gives the same file as the synchronous one")
    func sameResult() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try SourceFixture.all[0].make(in: scratch)
        let asyncOutput = scratch.url("async.wav")
        let result = try await AudioExtractor.extractAudio(from: source, to: asyncOutput)
        let syncOutput = scratch.url("sync.wav")
        try extractSynchronously(source, syncOutput)
        #expect(try Data(contentsOf: asyncOutput) == Data(contentsOf: syncOutput))
        #expect(result.samples == Int64(try WAVReader(asyncOutput).frames))
    }

    @Test("cancelling stops the work and leaves no output")
    func cancellation() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = scratch.url("long.flac")
        try FFmpegTool.run(FFmpegTool.tone(seconds: 600) + [source.path])
        let output = scratch.url("out.wav")
        let task = Task {
            try await AudioExtractor.extractAudio(
                from: source, to: output, options: AudioExtractionOptions(filters: [.pitchShift(semitones: 3)]))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(scratch.contents() == ["long.flac"])
    }

    private func extractSynchronously(_ input: URL, _ output: URL) throws {
        try AudioExtractor.extractAudio(from: input, to: output)
    }
}
