import DubKitTestSupport
import Foundation
import Testing

@Suite("dataset analysis")
struct DatasetAnalysisCLITests {
    @Test("dataset add measures every file; show flags the clipped, the silent and the too-long ones and says what to do")
    func flagsBadRecordings() throws {
        let dir = try TemporaryDirectory()
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        func run(_ program: String, _ arguments: [String]) throws -> ChildProcess.Result {
            let result = try ChildProcess.run(program, arguments, environment: environment, currentDirectory: dir.url)
            #expect(result.status == 0, "\(program) \(arguments): \(result.stderr)")
            return result
        }
        _ = try run("/usr/bin/espeak-ng", ["-v", "en", "-w", "good.wav", "This recording is clean, clear and at a good level."])
        _ = try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-i", "good.wav", "-af", "volume=24dB", "clipped.flac"])
        _ = try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", "silent.wav"])
        // Eleven minutes: the good take looped, at 8 kHz to stay small.
        _ = try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-stream_loop", "-1", "-i", "good.wav", "-t", "660", "-ar", "8000", "long.mp3"])
        _ = try run("dubkit", ["project", "create", "p"])
        _ = try run("dubkit", ["dataset", "add", "--project", "p", "takes", "good.wav", "clipped.flac", "silent.wav", "long.mp3"])

        let shown = try run("dubkit", ["dataset", "show", "--project", "p", "takes", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let files = try #require(object?["files"] as? [[String: Any]])
        let issues = Dictionary(uniqueKeysWithValues: files.map { ($0["originalName"] as? String ?? "", $0["issues"] as? [String] ?? ["?"]) })
        #expect(issues["good.wav"] == [])
        #expect(issues["clipped.flac"]?.contains("clipped") == true)
        #expect(issues["silent.wav"] == ["silent"])
        #expect(issues["long.mp3"]?.contains("tooLong") == true)
        let good = try #require(files.first { $0["originalName"] as? String == "good.wav" })
        #expect((good["loudnessLufs"] as? Double).map { $0 > -30 && $0 < -10 } == true)
        #expect((good["speechShare"] as? Double).map { $0 > 0.5 } == true)
        #expect((good["clippedSamples"] as? Int) == 0)

        let table = try run("dubkit", ["dataset", "show", "--project", "p", "takes"])
        #expect(table.stdout.contains("3 with issues"))
        #expect(table.stdout.contains("clipped.flac: clipped: samples hit full scale"))
        #expect(table.stdout.contains("long.mp3: tooLong: over 10 minutes"))
    }

    @Test("dataset add takes a link: the recording is downloaded into the project once and named after the link")
    func addsALink() throws {
        let dir = try TemporaryDirectory()
        let take = dir.path("take.wav")
        let spoken = try ChildProcess.run("/usr/bin/espeak-ng", ["-w", take.path, "A recording fetched from a link."])
        #expect(spoken.status == 0)
        let bytes = try Data(contentsOf: take)
        let server = try TestHTTPServer { request in
            request.path == "/voice.wav"
                ? TestHTTPResponse(headers: [("Content-Type", "audio/wav")], body: .bytes(bytes))
                : .text("not found", status: 404)
        }
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let link = server.url("/voice.wav").absoluteString
        let added = try dubkit(["dataset", "add", "--project", "p", "takes", link, "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let files = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [[String: Any]]
        #expect(files?.first?["originalName"] as? String == "voice.wav")
        #expect((files?.first?["speechShare"] as? Double).map { $0 > 0.5 } == true)
        let missing = try dubkit(["dataset", "add", "--project", "p", "takes", server.url("/gone.wav").absoluteString])
        #expect(missing.status == 1 && missing.stderr.contains("404"), "\(missing.stderr)")
        let refused = try dubkit(["dataset", "add", "--project", "p", "takes", "ftp://example.com/a.wav"])
        #expect(refused.status == 2, "\(refused.stderr)")
    }
}
