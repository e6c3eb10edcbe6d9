import DubKitMedia
import Foundation
import Testing

@Suite("bad inputs and outputs")
struct BadInputTests {
    /// Extracting `input` must fail with `expected` and leave nothing in the folder but the inputs.
    private func expectFailure(_ input: URL, _ expected: MediaError, in scratch: Scratch, output: String = "out.wav") {
        let before = scratch.contents()
        #expect(throws: expected) {
            try AudioExtractor.extractAudio(from: input, to: scratch.url(output))
        }
        #expect(scratch.contents() == before, "left files behind")
    }

    @Test("a missing file")
    func missing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("nowhere.mp4")
        expectFailure(input, .fileMissing(path: input.path), in: scratch)
        #expect(throws: MediaError.fileMissing(path: input.path)) { try MediaProbe.probe(input) }
    }

    @Test("a zero-length file")
    func zeroLength() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("empty.mp4")
        try Data().write(to: input)
        expectFailure(input, .zeroLength(path: input.path), in: scratch)
        #expect(throws: MediaError.zeroLength(path: input.path)) { try MediaProbe.probe(input) }
    }

    @Test("a symbolic link is read as the file it points to: a linked WAV whole, a link to an empty file as empty")
    func symbolicLinks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let real = scratch.url("real.wav")
        let writer = try PCMWAVWriter(real, sampleRate: 44_100)
        try writer.write([Float](repeating: 0.25, count: 88_200))
        try writer.finish()
        let link = scratch.url("link.wav")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let duration = try #require(MediaProbe.probe(link).durationSeconds)
        #expect(abs(duration - 2.0) < 0.01)
        try AudioExtractor.extractAudio(from: link, to: scratch.url("out.wav"))
        let out = try WAVReader(scratch.url("out.wav"))
        #expect(out.samples.count / max(1, out.channels) == 88_200)

        let empty = scratch.url("empty.wav")
        try Data().write(to: empty)
        let emptyLink = scratch.url("empty-link.wav")
        try FileManager.default.createSymbolicLink(at: emptyLink, withDestinationURL: empty)
        #expect(throws: MediaError.zeroLength(path: emptyLink.path)) { try MediaProbe.probe(emptyLink) }
    }

    @Test("random bytes named .mp4")
    func randomBytes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("random.mp4")
        var generator = SeededGenerator(seed: 7)
        try Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: input)
        expectFailure(input, .notMedia(path: input.path), in: scratch)
    }

    @Test("an MP4 cut in half (its index is at the end)")
    func truncated() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let whole = try SourceFixture.all[0].make(in: scratch)
        let input = scratch.url("half.mp4")
        let data = try Data(contentsOf: whole)
        try data.prefix(data.count / 2).write(to: input)
        try FileManager.default.removeItem(at: whole)
        let before = scratch.contents()
        #expect {
            try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        } throws: { error in
            guard case MediaError.corrupt(let path, _) = error else { return false }
            return path == input.path
        }
        #expect(scratch.contents() == before)
    }

    @Test("an MP4 with its movie header bit-flipped")
    func bitFlipped() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("flipped.mp4")
        try FFmpegTool.run(
            FFmpegTool.video() + FFmpegTool.tone()
                + ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "-movflags", "+faststart", input.path])
        var bytes = [UInt8](try Data(contentsOf: input))
        // ftyp is 32 bytes, then the moov box header; bytes 40... are the mvhd box header and fields.
        for index in 40..<56 { bytes[index] ^= 0xFF }
        try Data(bytes).write(to: input)
        let before = scratch.contents()
        #expect {
            try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        } throws: { error in
            guard case MediaError.corrupt = error else { return false }
            return true
        }
        #expect(scratch.contents() == before)
    }

    @Test("a WAV whose data stops before its header says is refused, even by probe")
    func truncatedWAV() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let whole = try SourceFixture.all[4].make(in: scratch)
        let input = scratch.url("cut.wav")
        let data = try Data(contentsOf: whole)
        try data.prefix(data.count * 3 / 4).write(to: input)
        try FileManager.default.removeItem(at: whole)
        let before = scratch.contents()
        for attempt in [{ _ = try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav")) },
                        { _ = try MediaProbe.probe(input) }] {
            #expect {
                try attempt()
            } throws: { error in
                guard case MediaError.corrupt(let path, let detail) = error else { return false }
                return path == input.path && detail.contains("32000 bytes")
            }
        }
        #expect(scratch.contents() == before)
    }

    @Test("a FLAC file cut short: refused by default, kept as far as it goes when damage is tolerated")
    func toleratedTruncation() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let whole = try SourceFixture.all[5].make(in: scratch)
        let input = scratch.url("cut.flac")
        let data = try Data(contentsOf: whole)
        try data.prefix(data.count / 2).write(to: input)
        let output = scratch.url("out.wav")
        #expect {
            try AudioExtractor.extractAudio(from: input, to: output)
        } throws: { error in
            guard case MediaError.corrupt(_, let detail) = error else { return false }
            return detail.contains("2.00 s its header declares") || detail.contains("damaged")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let kept = try AudioExtractor.extractAudio(
            from: input, to: output, options: AudioExtractionOptions(toleratesDamage: true))
        #expect(kept.durationSeconds > 0.3 && kept.durationSeconds < 1.7, "kept \(kept.durationSeconds) s")
    }

    @Test("audio in a codec FFmpeg cannot decode")
    func unsupportedCodec() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("odd.wav")
        try FFmpegTool.run(FFmpegTool.tone(rate: 8_000) + ["-c:a", "pcm_s16le", input.path])
        var bytes = [UInt8](try Data(contentsOf: input))
        // The fmt chunk's format tag (bytes 20-21) becomes 0x1234, which no decoder knows.
        bytes[20] = 0x34
        bytes[21] = 0x12
        try Data(bytes).write(to: input)
        let before = scratch.contents()
        #expect {
            try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        } throws: { error in
            guard case MediaError.unsupportedCodec(let path, _) = error else { return false }
            return path == input.path
        }
        #expect(scratch.contents() == before)
    }

    @Test("a video without audio")
    func noAudio() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("silent.mp4")
        try FFmpegTool.run(FFmpegTool.video() + ["-c:v", "libx264", "-preset", "ultrafast", input.path])
        expectFailure(input, .noAudioStream(path: input.path), in: scratch)
        #expect(try MediaProbe.probe(input).audioStreams.isEmpty)
    }

    @Test("outputs that cannot be written", arguments: [
        ("missing-folder/out.wav", 0, "write"),
        ("out.ogg", 0, "unsupported"),
        ("out.mp3", 7_000, "unsupported"),
        ("out.wav", 100, "unsupported"),
    ])
    func unwritableOutputs(name: String, rate: Int, kind: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try SourceFixture.all[4].make(in: scratch)
        let output = scratch.url(name)
        let before = scratch.contents()
        #expect {
            try AudioExtractor.extractAudio(
                from: input, to: output, options: AudioExtractionOptions(sampleRate: rate == 0 ? nil : rate))
        } throws: { error in
            switch (error as? MediaError, kind) {
            case (.writeFailed(let path, _)?, "write"), (.unsupportedOutput(let path, _)?, "unsupported"):
                return path == output.path
            default:
                return false
            }
        }
        #expect(scratch.contents() == before)
    }

    @Test("every message names the file and says what to do")
    func messages() {
        let errors: [MediaError] = [
            .fileMissing(path: "/x/a.mp4"), .zeroLength(path: "/x/a.mp4"), .notMedia(path: "/x/a.mp4"),
            .corrupt(path: "/x/a.mp4", detail: "d"), .noAudioStream(path: "/x/a.mp4"),
            .audioStreamNotFound(path: "/x/a.mp4", request: "with index 3"),
            .unsupportedCodec(path: "/x/a.mp4", codec: "c"), .unsupportedOutput(path: "/x/a.mp4", reason: "r"),
            .invalidFilter(path: "/x/a.mp4", reason: "r"), .noVideoStream(path: "/x/a.mp4"),
            .unsupportedContainer(path: "/x/a.mp4", fileExtension: "avi"), .invalidLanguage(path: "/x/a.mp4", code: "es"),
            .streamNotAllowed(path: "/x/a.mp4", codec: "pcm_s16le", container: "mp4"),
            .writeFailed(path: "/x/a.mp4", detail: "d"), .processingFailed(path: "/x/a.mp4", detail: "d"),
        ]
        for error in errors {
            let message = error.errorDescription ?? ""
            #expect(message.hasPrefix("/x/a.mp4: "))
            #expect(message.contains(";"), "no advice in: \(message)")
            #expect(!message.contains("\n"))
        }
        #expect(Set(errors.map(\.code)).count == errors.count)
    }
}
