import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// `dub run` batches, `dub status --watch`, `dub retry` and `dub cancel`, through the built binary
/// with the local provider.
@Suite("dub run, status, retry and cancel")
struct DubControlCLITests {
    let dir: TemporaryDirectory
    let ws: String
    let environment: [String: String]

    init() throws {
        dir = try TemporaryDirectory()
        ws = dir.path("ws").path
        environment = ["DUBKIT_WORKSPACE": ws, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_RETRY_DELAY": "0.05"]
        #expect(try dubkit(["project", "create", "p"]).status == 0)
    }

    func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
    }

    func createDub(_ source: URL) throws -> Int {
        let created = try dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", source.path, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
        return try #require(object?["id"] as? Int)
    }

    func dubJSON(_ id: Int) throws -> [String: Any] {
        let shown = try dubkit(["dub", "show", "--project", "p", String(id), "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        return try #require(object)
    }

    func status(_ id: Int) throws -> String? {
        let dub = try dubJSON(id)
        return (dub["dub"] as? [String: Any] ?? dub)["status"] as? String
    }

    @Test("a batch runs every dub to done, and `status --watch --json` follows it to the end")
    func batchAndWatch() throws {
        let audio = dir.path("a.wav")
        try Fixtures.tone(audio, seconds: 1)
        let ids = try (0..<3).map { _ in try createDub(audio) }
        let runner = try ChildProcess("dubkit", ["dub", "run", "--project", "p", "--all", "--jobs", "2"],
                                      environment: environment, currentDirectory: dir.url)
        let watched = try dubkit(["dub", "status", "--project", "p", "--watch", "--json", "--interval", "0.05"])
        let ran = runner.wait()
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        for id in ids {
            #expect(lines.last { $0["id"] as? Int == id }?["status"] as? String == "done", "dub \(id) in \(watched.stdout)")
            #expect(try status(id) == "done")
        }
        // Every line is a change: no dub is printed twice in the same status.
        let pairs = lines.map { "\($0["id"] ?? "")-\($0["status"] ?? "")" }
        #expect(Set(pairs).count == pairs.count)
    }

    @Test("a dub whose source went missing fails at upload, and `dub retry` finishes it once the file is back")
    func retryAfterFixingTheSource() throws {
        let audio = dir.path("moved.wav")
        try Fixtures.tone(audio, seconds: 1)
        let id = try createDub(audio)
        let kept = dir.path("kept.wav")
        try FileManager.default.moveItem(at: audio, to: kept)

        let failed = try dubkit(["dub", "run", "--project", "p", String(id)])
        #expect(failed.status == 1)
        #expect(try status(id) == "error")
        let notAgain = try dubkit(["dub", "retry", "--project", "p", "999"])
        #expect(notAgain.status != 0)

        try FileManager.default.moveItem(at: kept, to: audio)
        let retried = try dubkit(["dub", "retry", "--project", "p", String(id)])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("attempt 2, from uploading"), "\(retried.stderr)")
        #expect(try status(id) == "done")
        let refused = try dubkit(["dub", "retry", "--project", "p", String(id)])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("only a failed dub is retried"))
    }

    @Test("a cancelled dub is skipped by `dub run --all` and cannot be cancelled twice")
    func cancel() throws {
        let audio = dir.path("c.wav")
        try Fixtures.tone(audio, seconds: 1)
        let cancelled = try createDub(audio)
        let other = try createDub(audio)
        let result = try dubkit(["dub", "cancel", "--project", "p", String(cancelled)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dub \(cancelled): cancelled"))
        let ran = try dubkit(["dub", "run", "--project", "p", "--all", "--json"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]]
        #expect(results?.compactMap { $0["id"] as? Int } == [other])
        #expect(try status(cancelled) == "cancelled")
        #expect(try status(other) == "done")
        let again = try dubkit(["dub", "cancel", "--project", "p", String(cancelled)])
        #expect(again.status == 2)
        #expect(again.stderr.contains("not done or cancelled"))
    }
}
