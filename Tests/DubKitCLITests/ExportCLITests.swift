import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

/// Runs the ffmpeg or ffprobe program (test tools only) and returns what it printed.
private func tool(_ program: String, _ arguments: [String]) throws -> ChildProcess.Result {
    let result = try ChildProcess.run("/usr/bin/\(program)", arguments)
    #expect(result.status == 0, "\(program) \(arguments): \(result.stderr)")
    return result
}

private func loudness(_ url: URL, stream index: Int) throws -> Double {
    try EBUR128.integratedLoudness(url, stream: index)
}

@Suite("dubkit export")
struct ExportCLITests {
    @Test("two dubs become two language tracks of one video: video packets untouched, tags, default flag, sync, loudness")
    func multiTrackExport() throws {
        let dir = try TemporaryDirectory()
        let dubkit = WorkspaceCLI(dir: dir)
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 3)
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        for voice in ["local:deep", "local:bright"] {
            #expect(try dubkit(["dub", "create", "--project", "p", "--voice", voice, "--file", video.path]).status == 0)
        }
        #expect(try dubkit(["dub", "run", "--project", "p", "--all"]).status == 0)

        let output = dir.path("out.mkv")
        let exported = try dubkit(["export", "--project", "p", "1", "2", "-o", output.path, "--language", "spa", "--language", "fra",
                                   "--title", "Spanish", "--title", "French", "--keep-original", "--loudness", "-20", "--json"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let record = try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any]
        #expect((record?["fileHash"] as? String)?.count == 64)
        #expect((record?["settings"] as? [String: Any])?["loudness"] as? Double == -20)

        // The video stream, packet by packet.
        let frames = { (url: URL) in
            try tool("ffmpeg", ["-hide_banner", "-nostdin", "-i", url.path, "-map", "0:v", "-c", "copy", "-f", "framemd5", "-"]).stdout
                .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",").last ?? "" }
        }
        #expect(try frames(output) == frames(video))

        let probe = try tool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,duration:stream_tags=language,title:stream_disposition=default",
                                         "-of", "json", output.path]).stdout
        let streams = try #require((try JSONSerialization.jsonObject(with: Data(probe.utf8)) as? [String: Any])?["streams"] as? [[String: Any]])
        let audio = streams.filter { $0["codec_type"] as? String == "audio" }
        #expect(audio.count == 3)
        let tags = audio.map { ($0["tags"] as? [String: Any])?["language"] as? String ?? "" }
        #expect(tags.prefix(2) == ["spa", "fra"])
        #expect(audio.map { ($0["tags"] as? [String: Any])?["title"] as? String ?? "" }.prefix(2) == ["Spanish", "French"])
        #expect(audio.map { ($0["disposition"] as? [String: Any])?["default"] as? Int ?? -1 } == [1, 0, 0])

        let format = try tool("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", output.path]).stdout
        let total = try #require(Double(format.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(total - 3) < 0.1, "\(total) s")
        // Each track against the video: within one AAC frame (1024 samples at 48 kHz, 21 ms) and a bit.
        let lengths = try trackDurations(output)
        let pictureLength = try #require(lengths.video)
        for (index, length) in lengths.audio.enumerated() {
            #expect(abs(length - pictureLength) < 0.03, "audio track \(index): \(length) s against the video's \(pictureLength) s")
        }
        // The export is in the project's store with the file's own SHA-256.
        let hash = try tool("sha256sum", [output.path]).stdout.split(separator: " ").first.map(String.init)
        #expect(hash == record?["fileHash"] as? String)
        let row = try DatabaseQueue(path: dir.path("ws/p/project.sqlite").path).read { db in
            try String.fetchOne(db, sql: "SELECT file_hash FROM export ORDER BY id DESC LIMIT 1")
        }
        #expect(row == hash)
        for index in 0..<2 {
            let measured = try loudness(output, stream: index)
            #expect(abs(measured + 20) < 1, "track \(index): \(measured) LUFS")
        }

        for name in ["dub.m4a", "dub.wav", "dub.flac", "dub.mp3", "dub.mp4"] {
            let file = dir.path(name)
            let single = try dubkit(["export", "--project", "p", "2", "-o", file.path])
            #expect(single.status == 0, "\(name): \(single.stderr)")
            // Audio files default to -16 LUFS for the web; a video to the original's loudness.
            let expected = name.hasSuffix(".mp4") ? try loudness(video, stream: 0) : -16
            #expect(abs(try loudness(file, stream: 0) - expected) < 1, "\(name)")
        }
        let refused = try dubkit(["export", "--project", "p", "1", "2", "-o", dir.path("two.wav").path])
        #expect(refused.status == 2 && refused.stderr.contains("several dubs"))
        let badLoudness = try dubkit(["export", "--project", "p", "1", "-o", dir.path("x.mp4").path, "--loudness", "loud"])
        #expect(badLoudness.status == 2)
    }

    @Test("an accompaniment is mixed back under the dubbed vocals at the asked gains; a dub of another video is refused")
    func accompanimentMix() throws {
        let dir = try TemporaryDirectory()
        let dubkit = WorkspaceCLI(dir: dir)
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 3)
        let music = dir.path("music.wav")
        try Fixtures.tone(music, seconds: 3, frequency: 1_000, rate: 48_000)
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", video.path]).status == 0)
        #expect(try dubkit(["dub", "run", "--project", "p", "--all"]).status == 0)

        let vocalsOnly = dir.path("vocals.wav")
        #expect(try dubkit(["export", "--project", "p", "1", "-o", vocalsOnly.path, "--loudness", "off"]).status == 0)
        let mixed = dir.path("mixed.wav")
        let exported = try dubkit(["export", "--project", "p", "1", "-o", mixed.path, "--loudness", "off", "--json",
                                   "--accompaniment", music.path, "--vocals-gain", "-3", "--accompaniment-gain", "-12"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let settings = (try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])?["settings"] as? [String: Any]
        #expect(settings?["accompanimentGain"] as? Double == -12 && settings?["accompaniment"] as? String == music.path)

        let rate = try TestAudio.sampleRate(mixed)
        let (mix, _) = try TestAudio.samples(mixed, rate: rate)
        let (vocals, _) = try TestAudio.samples(vocalsOnly, rate: rate)
        let (backing, _) = try TestAudio.samples(music, rate: rate)
        let count = min(mix.count, vocals.count, backing.count)
        let middle = (count / 4)..<(count * 3 / 4)
        // The backing track's 1 kHz tone is in the mix 12 dB down; the dub's own content 3 dB down.
        let musicChange = TestAudio.toneLevel(mix[middle], rate: rate, frequency: 1_000)
            - TestAudio.toneLevel(backing[middle], rate: rate, frequency: 1_000)
        #expect(abs(musicChange + 12) < 0.5, "accompaniment changed by \(musicChange) dB")
        let dubInMix = middle.map { mix[$0] - backing[$0] * Float(pow(10, -12.0 / 20)) }
        let vocalsChange = TestAudio.level(dubInMix[...]) - TestAudio.level(vocals[middle])
        #expect(abs(vocalsChange + 3) < 0.5, "vocals changed by \(vocalsChange) dB")

        let other = dir.path("other.mp4")
        try Fixtures.video(other, seconds: 6)
        let refused = try dubkit(["export", "--project", "p", "1", "-o", dir.path("wrong.mp4").path, "--video", other.path])
        #expect(refused.status == 2 && refused.stderr.contains("a dub of this video"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("wrong.mp4").path))
        let gainWithoutTrack = try dubkit(["export", "--project", "p", "1", "-o", dir.path("x.wav").path, "--vocals-gain", "-3"])
        #expect(gainWithoutTrack.status == 2)
    }

    /// The video stream's and each audio stream's duration (Matroska keeps them in DURATION tags).
    private func trackDurations(_ file: URL) throws -> (video: Double?, audio: [Double]) {
        let probe = try tool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type:stream_tags=DURATION", "-of", "json", file.path]).stdout
        let streams = (try JSONSerialization.jsonObject(with: Data(probe.utf8)) as? [String: Any])?["streams"] as? [[String: Any]] ?? []
        func seconds(_ stream: [String: Any]) -> Double? {
            guard let text = (stream["tags"] as? [String: Any])?["DURATION"] as? String else { return nil }
            let parts = text.split(separator: ":").compactMap { Double($0) }
            return parts.count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : nil
        }
        let video = streams.first { $0["codec_type"] as? String == "video" }.flatMap(seconds)
        return (video, streams.filter { $0["codec_type"] as? String == "audio" }.compactMap(seconds))
    }
}
