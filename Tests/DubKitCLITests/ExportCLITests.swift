import DubKit
import DubKitTestSupport
import Foundation
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
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_POLL_INTERVAL": "0.05"]
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }
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
        for index in 0..<2 {
            let measured = try loudness(output, stream: index)
            #expect(abs(measured + 20) < 1, "track \(index): \(measured) LUFS")
        }

        let audioOnly = dir.path("dub.m4a")
        let single = try dubkit(["export", "--project", "p", "2", "-o", audioOnly.path])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(abs(try loudness(audioOnly, stream: 0) + 16) < 1)
        let refused = try dubkit(["export", "--project", "p", "1", "2", "-o", dir.path("two.wav").path])
        #expect(refused.status == 2 && refused.stderr.contains("several dubs"))
        let badLoudness = try dubkit(["export", "--project", "p", "1", "-o", dir.path("x.mp4").path, "--loudness", "loud"])
        #expect(badLoudness.status == 2)
    }
}
