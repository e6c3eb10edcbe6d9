import DubKitMedia
import Foundation
import Testing

@Suite("remux")
struct RemuxerTests {
    /// One AAC frame at 48 kHz: how far apart the audio and video ends may be.
    static let audioFrame = 1024.0 / 48_000

    @Test("copies the video untouched and fits the dub to its length", arguments: [
        ("mp4", 1.5), ("mp4", 4.5), ("mov", 1.5), ("mov", 4.5), ("mkv", 1.5), ("mkv", 4.5),
    ])
    func copiesVideoAndFitsDub(container: String, dubSeconds: Double) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video(container, in: scratch)
        let dub = try VideoFixture.dub("dub.wav", frequency: 660, seconds: dubSeconds, in: scratch)
        let output = scratch.url("out.\(container)")
        var reported: [Double] = []
        let result = try Remuxer.remux(RemuxPlan(
            video: video, output: output, dubbedTracks: [DubbedTrack(audio: dub, language: "spa", title: "Spanish dub")]),
            progress: { reported.append($0) })
        #expect(reported.count > 10 && reported == reported.sorted() && reported.last == 1, "progress \(reported)")

        let before = try FFprobeReport(video)
        let after = try FFprobeReport(output)
        let hashes = after.packetHashes("video")
        #expect(hashes.count == before.packetHashes("video").count && hashes.count == result.videoPackets)
        #expect(hashes == before.packetHashes("video"), "video packets changed")

        let audio = after.streams("audio")
        try #require(audio.count == 1)
        #expect(audio[0].codec == "aac")
        #expect(audio[0].isDefault)
        #expect(audio[0].language == "spa")
        #expect(audio[0].title == "Spanish dub")
        let videoEnd = after.end(ofStream: after.streams("video")[0].index)
        let audioEnd = after.end(ofStream: audio[0].index)
        #expect(abs(videoEnd - VideoFixture.seconds) < 0.05, "video ends at \(videoEnd) s")
        #expect(abs(audioEnd - videoEnd) <= Self.audioFrame + 0.001, "audio ends at \(audioEnd) s, video at \(videoEnd) s")

        let tone = try Self.tone(ofStream: audio[0].index, in: output, scratch: scratch)
        #expect(abs(tone - 660) < 3, "dubbed track measures \(tone) Hz")
        #expect(scratch.contents().filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test("copies a dub that already is long-enough AAC, trimmed; encodes a short one to pad it", arguments: [
        ("mp4", 4.5, true), ("mkv", 4.5, true), ("mp4", 3.0, true), ("mov", 2.5, false),
    ])
    func aacDub(container: String, dubSeconds: Double, copied: Bool) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video(container, in: scratch)
        let dub = scratch.url("dub.m4a")
        try FFmpegTool.run(FFmpegTool.tone(660, seconds: dubSeconds) + ["-c:a", "aac", dub.path])
        let output = scratch.url("out.\(container)")
        let result = try Remuxer.remux(RemuxPlan(
            video: video, output: output, dubbedTracks: [DubbedTrack(audio: dub, language: "spa", title: "Spanish dub")]))
        #expect(result.copiedDubbedTracks == (copied ? 1 : 0))

        let after = try FFprobeReport(output)
        let audio = after.streams("audio")
        try #require(audio.count == 1)
        #expect(audio[0].isDefault && audio[0].language == "spa" && audio[0].title == "Spanish dub")
        let videoEnd = after.end(ofStream: after.streams("video")[0].index)
        let audioEnd = after.end(ofStream: audio[0].index)
        #expect(abs(audioEnd - videoEnd) <= Self.audioFrame + 0.001, "audio ends at \(audioEnd) s, video at \(videoEnd) s")
        if copied {
            let written = after.packetHashes("audio")
            let source = try FFprobeReport(dub).packetHashes("audio")
            #expect(!written.isEmpty && written == Array(source.prefix(written.count)), "dub packets changed")
        }
        let tone = try Self.tone(ofStream: audio[0].index, in: output, scratch: scratch)
        #expect(abs(tone - 660) < 3, "dubbed track measures \(tone) Hz")
    }

    @Test("keeps the original audio non-default and carries subtitles and chapters", arguments: ["mp4", "mov", "mkv"])
    func keepsOriginalAndSubtitles(container: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video(container, in: scratch)
        let dub = try VideoFixture.dub("dub.wav", frequency: 660, seconds: 3, in: scratch)
        let output = scratch.url("out.\(container)")
        let result = try Remuxer.remux(RemuxPlan(
            video: video, output: output, dubbedTracks: [DubbedTrack(audio: dub, language: "spa")],
            keepOriginalAudio: true))

        let after = try FFprobeReport(output)
        let audio = after.streams("audio")
        try #require(audio.count == 2)
        #expect(audio.map(\.isDefault) == [true, false])
        #expect(audio.map(\.language) == ["spa", "eng"])
        #expect(abs(try Self.tone(ofStream: audio[1].index, in: output, scratch: scratch) - 440) < 3)
        #expect(after.packetHashes("audio").count > 0)

        let subtitles = after.streams("subtitle")
        #expect(subtitles.count == 1, "subtitles: \(subtitles)")
        #expect(subtitles.first?.codec == (container == "mkv" ? "subrip" : "mov_text"))
        let before = try FFprobeReport(video)
        #expect(after.packets.filter { $0.stream == subtitles.first?.index }.map(\.sha256)
            == before.packets.filter { $0.stream == before.streams("subtitle").first?.index }.map(\.sha256))
        #expect(after.chapters == 2)
        #expect(result.subtitleStreams == 1 && result.chapters == 2 && result.originalAudioTracks == 1)
    }

    @Test("moves video across containers unchanged, converting SRT and mov_text subtitles", arguments: [
        ("mkv", "mp4", "mov_text"), ("mp4", "mkv", "subrip"), ("mkv", "mov", "mov_text"),
    ])
    func acrossContainers(from: String, to: String, subtitleCodec: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video(from, in: scratch)
        let dub = try VideoFixture.dub("dub.wav", frequency: 660, seconds: 3, in: scratch)
        let output = scratch.url("out.\(to)")
        let result = try Remuxer.remux(RemuxPlan(
            video: video, output: output, dubbedTracks: [DubbedTrack(audio: dub, language: "spa")],
            keepOriginalAudio: true))
        let after = try FFprobeReport(output)
        #expect(after.packetHashes("video") == (try FFprobeReport(video).packetHashes("video")))
        let subtitles = after.streams("subtitle")
        #expect(subtitles.map(\.codec) == [subtitleCodec])
        #expect(result.subtitleStreams == 1 && result.droppedSubtitleStreams == 0)
        // The cues read back as SRT (-copyts: at the times the files give them) match the original's.
        func cues(_ file: URL) throws -> String {
            let text = scratch.url("\(file.lastPathComponent).srt")
            try FFmpegTool.run(["-copyts", "-i", file.path, "-map", "0:s", text.path])
            return try String(contentsOf: text, encoding: .utf8)
        }
        let converted = try cues(output)
        let original = try cues(video)
        let lines = { (text: String) in text.split(separator: "\n").filter { !$0.contains("-->") } }
        #expect(lines(converted) == lines(original) && converted.contains("Adiós"), "\(converted)")
        // Matroska cannot start below zero, so it may shift every stream by the audio priming:
        // what must hold is each cue's time relative to the video.
        func starts(_ text: String, _ report: FFprobeReport) -> [Double] {
            let videoStart = report.packets.filter { $0.stream == report.streams("video")[0].index }
                .compactMap(\.pts).min() ?? 0
            return text.split(separator: "\n").filter { $0.contains("-->") }.map { line in
                let parts = line.prefix(12).split(whereSeparator: { ":,".contains($0) }).compactMap { Double($0) }
                return parts.count == 4 ? parts[0] * 3600 + parts[1] * 60 + parts[2] + parts[3] / 1000 - videoStart : -1
            }
        }
        let shifted = zip(starts(converted, after), starts(original, try FFprobeReport(video)))
        #expect(Array(shifted).count == 2 && shifted.allSatisfy { $0 > 0 && abs($0 - $1) <= 0.002 }, "cue starts \(Array(shifted))")
        #expect(after.streams("audio").map(\.isDefault) == [true, false])
        #expect(after.chapters == 2)
    }

    @Test("writes two dubbed languages with exactly one default", arguments: ["mp4", "mkv"])
    func twoLanguages(container: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video(container, in: scratch)
        let spanish = try VideoFixture.dub("spa.wav", frequency: 660, seconds: 2, in: scratch)
        let french = try VideoFixture.dub("fra.wav", frequency: 880, seconds: 4, rate: 44_100, in: scratch)
        let output = scratch.url("out.\(container)")
        try Remuxer.remux(RemuxPlan(
            video: video, output: output,
            dubbedTracks: [DubbedTrack(audio: spanish, language: "spa", title: "Español"),
                           DubbedTrack(audio: french, language: "FRA", title: "Français")],
            keepOriginalAudio: true))

        let after = try FFprobeReport(output)
        let audio = after.streams("audio")
        try #require(audio.count == 3)
        #expect(audio.filter(\.isDefault).count == 1)
        #expect(audio[0].isDefault)
        #expect(audio.map(\.language) == ["spa", "fra", "eng"])
        #expect(audio[0].title == "Español" && audio[1].title == "Français")
        let videoEnd = after.end(ofStream: after.streams("video")[0].index)
        for (track, frequency) in zip(audio.prefix(2), [660.0, 880.0]) {
            let end = after.end(ofStream: track.index)
            #expect(abs(end - videoEnd) <= 1024.0 / 44_100 + 0.001, "track \(track.index) ends at \(end) s")
            let tone = try Self.tone(ofStream: track.index, in: output, scratch: scratch)
            #expect(abs(tone - frequency) < 3, "track \(track.index) measures \(tone) Hz")
        }
    }

    @Test("rejects bad inputs with a typed error and leaves no output", arguments: [
        "no-video", "no-audio", "extension", "language", "original-not-allowed",
    ])
    func rejectsBadInputs(problem: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = try VideoFixture.video("mp4", in: scratch)
        let dub = try VideoFixture.dub("dub.wav", frequency: 660, seconds: 3, in: scratch)
        let silentVideo = scratch.url("silent.mp4")
        try FFmpegTool.run(FFmpegTool.video(seconds: 1) + ["-c:v", "libx264", "-preset", "ultrafast", silentVideo.path])
        var plan = RemuxPlan(video: video, output: scratch.url("out.mp4"), dubbedTracks: [DubbedTrack(audio: dub, language: "spa")])
        let expected: MediaError
        switch problem {
        case "no-video":
            plan.video = dub
            expected = .noVideoStream(path: dub.path)
        case "no-audio":
            plan.dubbedTracks[0].audio = silentVideo
            expected = .noAudioStream(path: silentVideo.path)
        case "extension":
            plan.output = scratch.url("out.avi")
            expected = .unsupportedContainer(path: plan.output.path, fileExtension: "avi")
        case "language":
            plan.dubbedTracks[0].language = "es"
            expected = .invalidLanguage(path: dub.path, code: "es")
        default:
            // MP4 cannot hold PCM audio, so keeping a MOV's PCM original there is refused up front.
            let pcmVideo = scratch.url("pcm.mov")
            try FFmpegTool.run(FFmpegTool.video(seconds: 1) + FFmpegTool.tone(seconds: 1)
                + ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le", pcmVideo.path])
            plan.video = pcmVideo
            plan.keepOriginalAudio = true
            expected = .streamNotAllowed(path: plan.output.path, codec: "pcm_s16le", container: "mp4")
        }
        let before = Set(scratch.contents())
        #expect(throws: expected) { try Remuxer.remux(plan) }
        #expect(Set(scratch.contents()) == before, "left behind: \(Set(scratch.contents()).subtracting(before))")
    }

    @Test("the async form can be cancelled and leaves no output")
    func cancellation() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let video = scratch.url("long.mkv")
        try FFmpegTool.run(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=600",
                            "-c:v", "libx264", "-preset", "ultrafast", video.path])
        let dub = try VideoFixture.dub("long.wav", frequency: 660, seconds: 600, in: scratch)
        let before = scratch.contents()
        let task = Task {
            try await Remuxer.remux(RemuxPlan(
                video: video, output: scratch.url("out.mkv"), dubbedTracks: [DubbedTrack(audio: dub, language: "spa")]))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(scratch.contents() == before)
    }

    /// The tone frequency of one audio stream of `file`, decoded by the library.
    static func tone(ofStream index: Int, in file: URL, scratch: Scratch) throws -> Double {
        let wav = scratch.url("stream\(index).wav")
        try AudioExtractor.extractAudio(
            from: file, to: wav, options: AudioExtractionOptions(channels: .mono, stream: .index(index)))
        return try WAVReader(wav).toneFrequency()
    }
}
