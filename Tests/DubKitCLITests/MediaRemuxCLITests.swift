import DubKitTestSupport
import Foundation
import Testing

@Suite("dubkit media remux")
struct MediaRemuxCLITests {
    @Test("remuxes a dub into a video, for people and as JSON, and reports bad input on stderr")
    func remux() throws {
        let dir = try TemporaryDirectory()
        let video = dir.path("in.mp4").path
        let dub = dir.path("dub.wav").path
        let made = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", video,
            "-f", "lavfi", "-i", "sine=frequency=660:duration=1", "-map", "2:a", dub,
        ])
        try #require(made.status == 0, "\(made.stderr)")

        let plain = try ChildProcess.run(
            "dubkit", ["media", "remux", video, dub, "-o", dir.path("out.mp4").path, "--language", "spa",
                       "--title", "Spanish", "--keep-original"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("1 dubbed (AAC, 0 copied), 1 original kept"))

        let json = try ChildProcess.run(
            "dubkit", ["--json", "media", "remux", video, dub, "-o", dir.path("out.mkv").path])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["container"] as? String == "mkv")
        #expect(object?["dubbedTracks"] as? Int == 1)
        #expect(abs((object?["videoDurationSeconds"] as? Double ?? 0) - 2) < 0.05)

        let bad = try ChildProcess.run(
            "dubkit", ["--json", "media", "remux", video, dub, "-o", dir.path("out.avi").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("media.unsupported_container"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.avi").path))
    }
}
