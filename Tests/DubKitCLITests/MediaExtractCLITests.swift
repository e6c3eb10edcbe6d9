import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("dubkit media probe and extract on local files", .serialized)
struct MediaExtractCLITests {
    /// A 2 s test video with a 440 Hz stereo AAC track, and a FLAC of the same tone.
    private func inputs(in dir: TemporaryDirectory) throws -> (video: String, flac: String) {
        let video = dir.path("in.mp4").path
        let flac = dir.path("tone.flac").path
        let made = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2", "-metadata:s:a:0", "language=fra", video,
            "-map", "1:a", "-ac", "1", flac,
        ])
        try #require(made.status == 0, "\(made.stderr)")
        return (video, flac)
    }

    @Test("probe lists every stream as JSON; extract resamples, downmixes and picks by language")
    func probeAndExtract() throws {
        let dir = try TemporaryDirectory()
        let (video, _) = try inputs(in: dir)
        let probe = try ChildProcess.run("dubkit", ["media", "probe", video, "--json"])
        #expect(probe.status == 0, "\(probe.stderr)")
        let info = try #require(try JSONSerialization.jsonObject(with: Data(probe.stdout.utf8)) as? [String: Any])
        let streams = try #require(info["streams"] as? [[String: Any]])
        let audio = try #require(streams.first { $0["kind"] as? String == "audio" })
        let picture = try #require(streams.first { $0["kind"] as? String == "video" })
        #expect(audio["codecName"] as? String == "aac" && audio["sampleRate"] as? Int == 48_000 && audio["channels"] as? Int == 2)
        #expect(audio["language"] as? String == "fra")
        #expect(picture["codecName"] as? String == "h264" && picture["width"] as? Int == 160 && picture["height"] as? Int == 120)
        #expect(abs((info["durationSeconds"] as? Double ?? 0) - 2) < 0.05)

        let wav = dir.path("out.wav")
        let extract = try ChildProcess.run(
            "dubkit", ["media", "extract", video, "-o", wav.path, "--rate", "16000", "--mono", "--language", "fra"])
        #expect(extract.status == 0, "\(extract.stderr)")
        let extracted = try MediaProbe.probe(wav)
        #expect(extracted.audioStreams.first?.sampleRate == 16_000 && extracted.audioStreams.first?.channels == 1)
        #expect(abs((extracted.durationSeconds ?? 0) - 2) < 0.05)

        let missing = try ChildProcess.run(
            "dubkit", ["--json", "media", "extract", video, "-o", dir.path("none.wav").path, "--language", "deu"])
        #expect(missing.status == 1 && missing.stderr.contains("media.audio_stream_not_found"), "\(missing.stderr)")
    }

    @Test("a truncated file is refused with the reason; --ignore-damage keeps what is there")
    func truncated() throws {
        let dir = try TemporaryDirectory()
        let (_, flac) = try inputs(in: dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: flac))
        let cut = dir.path("cut.flac")
        try data.prefix(data.count / 2).write(to: cut)
        let output = dir.path("cut.wav")
        let refused = try ChildProcess.run("dubkit", ["media", "extract", cut.path, "-o", output.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(cut.path) && refused.stderr.contains("truncated or damaged"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let kept = try ChildProcess.run("dubkit", ["--json", "media", "extract", cut.path, "-o", output.path, "--ignore-damage"])
        #expect(kept.status == 0, "\(kept.stderr)")
        let seconds = try MediaProbe.probe(output).durationSeconds ?? 0
        #expect(seconds > 0.3 && seconds < 1.7, "kept \(seconds) s of a file cut in half")
    }
}
