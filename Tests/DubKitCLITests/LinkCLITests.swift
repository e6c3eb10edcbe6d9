import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Serves a clip made with the ffmpeg program at /x.mp4, a web page at /watch, and 404 elsewhere.
private func linkServer(in dir: TemporaryDirectory) throws -> TestHTTPServer {
    let clip = dir.path("clip.mp4")
    try Fixtures.video(clip, seconds: 2)
    let bytes = try Data(contentsOf: clip)
    return try TestHTTPServer { request in
        switch request.path {
        case "/x.mp4": TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
        case "/watch": TestHTTPResponse(headers: [("Content-Type", "text/html")], body: .bytes(Data("<html>a video</html>".utf8)))
        default: .text("not found", status: 404)
        }
    }
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("links on the command line")
struct LinkCLITests {
    @Test("media probe and extract take an http link; outside a project the download is not kept")
    func probeAndExtractLink() throws {
        let dir = try TemporaryDirectory()
        let server = try linkServer(in: dir)
        let tmp = dir.path("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let env = ["TMPDIR": tmp.path]
        let link = server.url("/x.mp4").absoluteString

        let probe = try ChildProcess.run("dubkit", ["media", "probe", link, "--json"], environment: env, currentDirectory: dir.url)
        #expect(probe.status == 0, "\(probe.stderr)")
        let info = try json(probe.stdout)
        #expect(info["path"] as? String == link)
        let kinds = (info["streams"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds?.sorted() == ["audio", "video"])
        let download = try #require(info["download"] as? [String: Any])
        #expect(((download["ref"] as? [String: Any])?["hash"] as? String)?.count == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "the temporary download was left behind")
        #expect(!FileManager.default.fileExists(atPath: dir.path("projects").path), "probe made a project")

        let wav = dir.path("out.wav")
        let extract = try ChildProcess.run("dubkit", ["media", "extract", link, "-o", wav.path, "--rate", "16000", "--mono"],
                                           environment: env, currentDirectory: dir.url)
        #expect(extract.status == 0, "\(extract.stderr)")
        let extracted = try MediaProbe.probe(wav)
        #expect(extracted.audioStreams.first?.sampleRate == 16_000 && abs((extracted.durationSeconds ?? 0) - 2) < 0.05)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)

        // With --project the download is kept in that project's media store.
        #expect(try ChildProcess.run("dubkit", ["project", "create", "keep"], currentDirectory: dir.url).status == 0)
        let kept = try ChildProcess.run("dubkit", ["media", "probe", link, "--project", "keep", "--json"], currentDirectory: dir.url)
        let hash = try #require(((try json(kept.stdout)["download"] as? [String: Any])?["ref"] as? [String: Any])?["hash"] as? String)
        #expect(FileManager.default.fileExists(atPath: dir.path("projects/keep/media/\(hash.prefix(2))/\(hash)").path))
    }

    @Test("refused schemes, 404s, pages without yt-dlp and oversize links fail with clear errors",
          arguments: [
              ("file:///etc/passwd", Int32(2), "link.refused_scheme"),
              ("javascript:alert(1)", Int32(2), "link.refused_scheme"),
              ("/nothing.mp4", Int32(1), "link.not_found"),
              ("/watch", Int32(1), "link.web_page"),
          ])
    func linkErrors(link: String, status: Int32, code: String) throws {
        let dir = try TemporaryDirectory()
        let server = try linkServer(in: dir)
        let url = link.hasPrefix("/") ? server.url(link).absoluteString : link
        let result = try ChildProcess.run("dubkit", ["media", "probe", url, "--json"],
                                          environment: ["PATH": "/usr/bin:/bin"], currentDirectory: dir.url)
        #expect(result.status == status, "\(result.stderr)")
        let error = try #require(try json(result.stderr)["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
        if code == "link.web_page" { #expect((error["message"] as? String)?.contains("yt-dlp") == true) }

        let small = try ChildProcess.run("dubkit", ["media", "probe", server.url("/x.mp4").absoluteString, "--max-download", "1K"],
                                         currentDirectory: dir.url)
        #expect(small.status == 1 && small.stderr.contains("too large"))
    }

    @Test("dub create --link with the local engine runs end to end; a rerun does not fetch the link again")
    func linkDubEndToEnd() throws {
        let dir = try TemporaryDirectory()
        let server = try linkServer(in: dir)
        let ws = dir.path("ws").path
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p", "--workspace", ws]).status == 0)
        let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "local:bright",
                                                      "--link", server.url("/x.mp4").absoluteString, "--workspace", ws])
        #expect(created.status == 0, "\(created.stderr)")
        let ran = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "1", "--workspace", ws])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("dub 1: downloaded"))
        let shown = try json(try ChildProcess.run("dubkit", ["dub", "show", "--project", "p", "1", "--json", "--workspace", ws]).stdout)
        let dub = shown
        #expect(dub["status"] as? String == "done")
        #expect((dub["linkMediaHash"] as? String)?.count == 64)
        #expect(server.requests.count == 1)

        let again = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "1", "--workspace", ws])
        #expect(again.status == 0 && server.requests.count == 1)

        // convert takes a link too, and puts the dubbed track into the video the link delivered.
        let out = dir.path("dubbed.mp4")
        let converted = try ChildProcess.run("dubkit", ["convert", server.url("/x.mp4").absoluteString, "-o", out.path,
                                                        "--voice", "local:deep", "--project", "p", "--workspace", ws])
        #expect(converted.status == 0, "\(converted.stderr)")
        let dubbed = try MediaProbe.probe(out)
        #expect(dubbed.streams.filter { $0.kind == .video }.map(\.codecName) == ["h264"] && dubbed.audioStreams.count == 1)
        #expect(server.requests.count == 2)

        let refused = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "local:bright",
                                                      "--link", "file:///etc/passwd", "--workspace", ws])
        #expect(refused.status == 2 && refused.stderr.contains("only http:// and https://"))
    }
}
