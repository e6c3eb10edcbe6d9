import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Seconds since `start` on the monotonic clock.
private func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The built `dubkit` against servers that go silent: every wait ends within the stall limit with an
/// error saying what to do, the next run continues the download from the bytes kept, and a link's
/// secrets appear in none of the command's output.
@Suite("network bounds and link secrets on the command line", .timeLimit(.minutes(3)))
struct NetworkBoundsCLITests {
    static let key = "vdk-bounds-3e5a7c9b1d"
    /// The stall limit the runs get through DUBKIT_STALL_TIMEOUT, and the margin allowed over it.
    static let stall = 1.0
    static let margin = 15.0

    @Test("a signed link that stalls: a timeout error within the bound naming the link masked, `dub retry` continues from the bytes kept, and the signature shows in no output")
    func signedLinkStallsResumesAndStaysSecret() throws {
        let dir = try TemporaryDirectory()
        let clip = dir.path("clip.mp4")
        try Fixtures.video(clip, seconds: 2)
        let bytes = try Data(contentsOf: clip)
        let half = bytes.count / 2
        let server = try StallingFileServer(bytes, etag: "\"clip-7\"", contentType: "video/mp4", stallAfter: half)
        defer { server.stop() }
        let secrets = ["SIG-9d41c7e2", "TOK-77ab03", "hunter2pw"]
        let link = server.url("/clip.mp4").absoluteString
            .replacingOccurrences(of: "http://", with: "http://viewer:hunter2pw@")
            + "?X-Amz-Signature=SIG-9d41c7e2&token=TOK-77ab03&v=1"
        let ws = dir.path("ws").path
        var outputs: [String: ChildProcess.Result] = [:]
        func run(_ name: String, _ arguments: [String]) throws -> ChildProcess.Result {
            let result = try ChildProcess.run("dubkit", arguments + ["--workspace", ws],
                                              environment: ["DUBKIT_STALL_TIMEOUT": String(Self.stall)], currentDirectory: dir.url)
            outputs[name] = result
            return result
        }

        #expect(try run("project create", ["project", "create", "p"]).status == 0)
        let created = try run("dub create", ["dub", "create", "--project", "p", "--voice", "local:bright", "--link", link, "--json"])
        #expect(created.status == 0, "\(created.stderr)")

        let start = ContinuousClock.now
        let stalled = try run("dub run (stalls)", ["dub", "run", "--project", "p", "1", "--verbose"])
        let waited = seconds(since: start)
        #expect(stalled.status == 1)
        #expect(waited < Self.stall + Self.margin, "the stalled run took \(waited) s")
        #expect(stalled.stderr.contains("link.timed_out") && stalled.stderr.contains("sent nothing for 1"), "\(stalled.stderr)")
        #expect(stalled.stderr.contains("\(half) bytes received so far are kept") && stalled.stderr.contains("dubkit dub retry"))
        #expect(stalled.stderr.contains("X-Amz-Signature=***"), "the link is named, masked: \(stalled.stderr)")

        server.stalls = false
        let retried = try run("dub retry", ["dub", "retry", "--project", "p", "1", "--verbose"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.header("Range") == "bytes=\(half)-" && server.requests.last?.header("If-Range") == "\"clip-7\"")
        let store = try ProjectStore.open(folder: URL(fileURLWithPath: ws).appendingPathComponent("p"), name: "p")
        let dub = try store.dub(1)
        #expect(dub.status == .done && dub.linkMediaHash != nil)
        #expect(dub.source == link, "the store keeps the full link, which a download needs")

        // Every way the dub is shown.
        _ = try run("dub show", ["dub", "show", "--project", "p", "1"])
        _ = try run("dub show --json", ["dub", "show", "--project", "p", "1", "--json"])
        _ = try run("dub list", ["dub", "list", "--project", "p"])
        _ = try run("dub list --json", ["dub", "list", "--project", "p", "--json"])
        _ = try run("dub status --json", ["dub", "status", "--project", "p", "--json"])
        _ = try run("dub log", ["dub", "log", "--project", "p", "1"])
        _ = try run("dub log --json", ["dub", "log", "--project", "p", "1", "--json"])
        let review = try run("review", ["review", "--project", "p"])
        #expect(review.status == 0, "\(review.stderr)")
        _ = try run("media probe", ["media", "probe", link])
        let probed = try run("media probe --json", ["media", "probe", link, "--json", "--verbose"])
        #expect(probed.status == 0, "\(probed.stderr)")
        #expect(outputs["dub show --json"]?.stdout.contains("X-Amz-Signature=***") == true)
        #expect(outputs["dub list"]?.stdout.contains("v=1") == true)

        for (name, result) in outputs {
            for secret in secrets {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(name) printed \(secret)")
            }
        }
        let pages = FileManager.default.enumerator(atPath: URL(fileURLWithPath: ws).appendingPathComponent("p/review").path)?
            .allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".html") } ?? []
        #expect(!pages.isEmpty)
        for page in pages {
            let html = try String(contentsOf: URL(fileURLWithPath: ws).appendingPathComponent("p/review/\(page)"), encoding: .utf8)
            for secret in secrets { #expect(!html.contains(secret), "review page \(page) shows \(secret)") }
        }
    }

    @Test("a VoiceDub result download that stalls: the error comes within the bound, and the next `dub run` continues from the bytes on disk")
    func resultDownloadStallsAndTheNextRunContinues() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, stageDuration: .milliseconds(40)))
        let dir = try TemporaryDirectory()
        let audio = dir.path("talk.wav")
        try Fixtures.tone(audio, seconds: 3, frequency: 220)
        let voice = try #require(fake.publicVoices.first?.id)
        let environment = [
            "VOICEDUB_BASE_URL": fake.baseURL.absoluteString, "VOICEDUB_API_KEY": Self.key,
            "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_CONFIG_DIR": dir.path("config").path,
            "DUBKIT_STALL_TIMEOUT": String(Self.stall),
        ]
        let ws = ["--workspace", dir.path("ws").path]
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p"] + ws, environment: environment).status == 0)
        let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)",
                                                      "--file", audio.path] + ws, environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        fake.inject(.stall, on: .downloadDub, times: 1)

        // The first run meets the stall; it is stopped while it waits to try again, as a user's Ctrl-C or
        // a crash would stop it, so the next run is a new process continuing from what is on disk.
        let first = try ChildProcess("dubkit", ["dub", "run", "--project", "p", "1"] + ws, environment: environment,
                                     currentDirectory: dir.url)
        #expect(first.waitForOutput("sent nothing for", inStderr: true, timeout: 60), "\(first.stderrSoFar)")
        let noticed = ContinuousClock.now
        let firstErrors = first.stderrSoFar
        first.killHard()
        _ = first.wait()
        let download = try #require(fake.callTimes(.downloadDub).first)
        let waited = Double((noticed - download).components.seconds) + Double((noticed - download).components.attoseconds) / 1e18
        #expect(waited >= Self.stall && waited < Self.stall + Self.margin, "the stall was reported \(waited) s after the download began")
        #expect(firstErrors.contains("DUBKIT_STALL_TIMEOUT") && firstErrors.contains("GET dubUrl"), "\(firstErrors)")

        let parts = try FileManager.default.contentsOfDirectory(atPath: dir.path("ws/.dubkit/state/voicedub").path)
            .filter { $0.hasSuffix("-result.part") }
        #expect(parts.count == 1, "the stalled download's bytes are kept: \(parts)")

        let again = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "1", "--json"] + ws, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        let downloads = fake.requests.filter { $0.method == "GET" && $0.target.contains("X-Amz-Signature") }
        #expect(downloads.count == 2)
        let resumedAt = downloads.last?.header("Range").flatMap { Int($0.dropFirst("bytes=".count).dropLast()) } ?? 0
        #expect(resumedAt > 0, "the second run asked for the rest only: \(downloads.last?.header("Range") ?? "no Range")")
        #expect(downloads.last?.header("If-Range") != nil)
        let store = try ProjectStore.open(folder: dir.path("ws/p"), name: "p")
        #expect(try store.dub(1).status == .done)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path("ws/.dubkit/state/voicedub").path)
            .filter { $0.contains("-result.part") }
        #expect(left.isEmpty, "the part file goes once the result is stored: \(left)")
        // The presigned result URL's signature is never printed.
        let signature = downloads.first.flatMap { URLComponents(string: "http://h\($0.target)")?.queryItems?
            .first { $0.name == "X-Amz-Signature" }?.value } ?? ""
        #expect(!signature.isEmpty && !again.stdout.contains(signature) && !again.stderr.contains(signature)
                && !firstErrors.contains(signature))
    }

    @Test("an API call the server accepts and never answers ends in a timeout error, not a hang")
    func apiCallNeverAnswered() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key))
        let dir = try TemporaryDirectory()
        fake.inject(.stall, on: .getMe, times: 10)
        let start = ContinuousClock.now
        let checked = try ChildProcess.run("dubkit", ["provider", "check", "voicedub", "--workspace", dir.path("ws").path], environment: [
            "VOICEDUB_BASE_URL": fake.baseURL.absoluteString, "VOICEDUB_API_KEY": Self.key,
            "DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_STALL_TIMEOUT": String(Self.stall),
        ])
        let waited = seconds(since: start)
        #expect(checked.status != 0)
        #expect(waited < Self.stall + Self.margin, "provider check took \(waited) s")
        #expect(checked.stderr.contains("sent nothing for 1") && checked.stderr.contains("/v1/me"), "\(checked.stderr)")
        #expect(!checked.stderr.contains(Self.key))
    }

    @Test("a DUBKIT_STALL_TIMEOUT that is not a number of seconds is refused as bad usage, before anything runs")
    func badBoundIsRefused() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.run("dubkit", ["project", "list", "--workspace", dir.path("ws").path],
                                          environment: ["DUBKIT_STALL_TIMEOUT": "soon"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DUBKIT_STALL_TIMEOUT=soon is not a number of seconds"), "\(result.stderr)")
    }
}
