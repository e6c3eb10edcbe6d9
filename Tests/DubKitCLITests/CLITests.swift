import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// Runs the built `dubkit` binary in `cwd` with the workspace `ws`.
private func dubkit(_ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:]) throws -> ChildProcess.Result {
    try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
}

private func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)")
}

private func jsonArray(_ text: String) throws -> [[String: Any]] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [[String: Any]], "not a JSON array: \(text)")
}

private func isISO8601(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return ISO8601DateFormatter().date(from: text) != nil
}

@Suite("dubkit command line")
struct CLITests {
    @Test("create, list, show and delete a project, for people and as JSON")
    func projectRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path

        let created = try dubkit(["project", "create", "demo", "--workspace", ws], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created project demo"))
        #expect(FileManager.default.fileExists(atPath: "\(ws)/demo/project.sqlite"))

        let again = try dubkit(["project", "create", "demo", "--workspace", ws], in: dir)
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("error: a project named 'demo' already exists"))

        let listed = try dubkit(["--workspace", ws, "--json", "project", "list"], in: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let projects = try jsonArray(listed.stdout)
        #expect(projects.count == 1)
        #expect(projects.first?["name"] as? String == "demo")
        #expect(projects.first?["dubs"] as? Int == 0)
        #expect(isISO8601(projects.first?["createdAt"]))

        let table = try dubkit(["project", "list", "--workspace", ws], in: dir)
        #expect(table.stdout.split(separator: "\n").first?.hasPrefix("NAME") == true)
        #expect(table.stdout.contains("demo"))

        let shown = try dubkit(["project", "show", "demo", "--workspace", ws, "--json"], in: dir)
        let summary = try jsonObject(shown.stdout)
        #expect(summary["path"] as? String == "\(ws)/demo")
        #expect(summary["creditsUsed"] as? Int == 0)

        let refused = try dubkit(["project", "delete", "demo", "--workspace", ws], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"))
        #expect(FileManager.default.fileExists(atPath: "\(ws)/demo/project.sqlite"))

        let deleted = try dubkit(["project", "delete", "demo", "--yes", "--workspace", ws], in: dir)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(ws)/demo"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws).isEmpty)

        let missing = try dubkit(["project", "show", "demo", "--workspace", ws, "--json"], in: dir)
        #expect(missing.status == 1)
        let error = try jsonObject(missing.stderr)["error"] as? [String: Any]
        #expect(error?["code"] as? String == "project_not_found")
        #expect(missing.stdout.isEmpty)
    }

    @Test("bad project names exit non-zero and create nothing anywhere",
          arguments: ["../escape", "..", "/ABSOLUTE", "a/b", ".hidden", "x\u{1}y", "sp ace", "-dash"])
    func badNames(name: String) throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        let target = name == "/ABSOLUTE" ? dir.path("abs-target").path : name
        let result = try dubkit(["project", "create", "--workspace", ws.path, "--", target], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid project name"))
        #expect(result.stderr.split(separator: "\n").count <= 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["ws"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.path).isEmpty)
    }

    @Test("without --workspace, DUBKIT_WORKSPACE is used, else ./projects")
    func workspaceSelection() throws {
        let dir = try TemporaryDirectory()
        let viaEnv = try dubkit(["project", "create", "p1"], in: dir, environment: ["DUBKIT_WORKSPACE": dir.path("envws").path])
        #expect(viaEnv.status == 0, "\(viaEnv.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("envws/p1/project.sqlite").path))
        let viaDefault = try dubkit(["project", "create", "p2"], in: dir)
        #expect(viaDefault.status == 0, "\(viaDefault.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("projects/p2/project.sqlite").path))
    }

    @Test("dub list, show and log read what the store holds, with stable JSON names and ISO-8601 times")
    func dubCommands() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let store = try Workspace(root: ws).createProject("films")
        let dub = try store.createDub(Dub(
            providerID: "voicedub", voiceRef: "plankton", sourceKind: .link, source: "https://example.com/clip.mp4",
            pitchShift: 2, separate: true, parameters: try DubParameters(["strength": .number(0.5)])))
        let id = try #require(dub.id)
        for status: DubStatus in [.uploading, .uploaded, .preprocessing] { try store.transitionDub(id, to: status) }
        try store.transitionDub(id, to: .error, failure: FailureInfo(code: "dub_is_not_new", message: "Dub is not new"))

        let listed = try dubkit(["dub", "list", "--project", "films", "--workspace", ws.path, "--json"], in: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let dubs = try jsonArray(listed.stdout)
        #expect(dubs.count == 1)
        let first = try #require(dubs.first)
        #expect(first["status"] as? String == "error")
        #expect(first["providerId"] as? String == "voicedub")
        #expect(first["pitchShift"] as? Int == 2)
        #expect(first["errorCode"] as? String == "dub_is_not_new")
        #expect((first["parameters"] as? [String: Any])?["strength"] as? Double == 0.5)
        #expect(isISO8601(first["createdAt"]) && isISO8601(first["updatedAt"]))

        let filtered = try dubkit(["dub", "list", "--project", "films", "--status", "done", "--workspace", ws.path], in: dir)
        #expect(filtered.stdout.contains("no dubs"))
        let badStatus = try dubkit(["dub", "list", "--project", "films", "--status", "finished", "--workspace", ws.path], in: dir)
        #expect(badStatus.status == 2)

        let shown = try dubkit(["dub", "show", "--project", "films", String(id), "--workspace", ws.path], in: dir)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("voicedub:plankton"))
        #expect(shown.stdout.contains("dub_is_not_new: Dub is not new"))

        let log = try dubkit(["dub", "log", "--project", "films", String(id), "--workspace", ws.path, "--json"], in: dir)
        let events = try jsonArray(log.stdout)
        #expect(events.map { $0["toStatus"] as? String } == ["new", "uploading", "uploaded", "preprocessing", "error"])
        #expect(events.allSatisfy { isISO8601($0["at"]) })
        let logTable = try dubkit(["dub", "log", "--project", "films", String(id), "--workspace", ws.path], in: dir)
        #expect(logTable.stdout.contains("preprocessing -> error"))

        let unknown = try dubkit(["dub", "show", "--project", "films", "999", "--workspace", ws.path], in: dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no dub '999' in project 'films'"))
    }

    @Test("datasets: create, list and show; voices: list")
    func datasetAndVoiceCommands() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        #expect(try dubkit(["project", "create", "voices", "--workspace", ws], in: dir).status == 0)
        let created = try dubkit(["dataset", "create", "--project", "voices", "narrator", "--workspace", ws], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        let duplicate = try dubkit(["dataset", "create", "--project", "voices", "narrator", "--workspace", ws], in: dir)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("already exists"))

        let store = try Workspace(root: URL(fileURLWithPath: ws)).openProject("voices")
        let dataset = try store.dataset(named: "narrator")
        let ref = try store.media.put(Data("not really audio".utf8))
        _ = try store.addFile(ref, to: dataset, originalName: "take1.wav", durationSeconds: 75.5, sampleRate: 48000, channels: 2)
        _ = try store.createVoice(Voice(providerID: "local", name: "narrator-voice", languages: ["english"]))

        let listed = try jsonArray(try dubkit(["dataset", "list", "--project", "voices", "--json", "--workspace", ws], in: dir).stdout)
        #expect(listed.first?["files"] as? Int == 1)
        #expect(listed.first?["durationSeconds"] as? Double == 75.5)
        let shown = try dubkit(["dataset", "show", "--project", "voices", "narrator", "--workspace", ws], in: dir)
        #expect(shown.stdout.contains("take1.wav"))
        #expect(shown.stdout.contains("1:15.5"))
        #expect(shown.stdout.contains("48000"))

        let voices = try jsonArray(try dubkit(["voice", "list", "--project", "voices", "--json", "--workspace", ws], in: dir).stdout)
        #expect(voices.first?["name"] as? String == "narrator-voice")
        #expect(voices.first?["status"] as? String == "new")
        #expect(voices.first?["languages"] as? [String] == ["english"])
        let none = try dubkit(["voice", "list", "--project", "voices", "--provider", "voicedub", "--workspace", ws], in: dir)
        #expect(none.stdout.contains("no voices"))
    }

    @Test("dataset add extracts and stores audio once by content; show lists each file's figures")
    func datasetAdd() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("a.wav"), seconds: 1.5, rate: 22050)
        try Fixtures.video(dir.path("b.mp4"), seconds: 2)
        try FileManager.default.copyItem(at: dir.path("a.wav"), to: dir.path("a-copy.wav"))
        #expect(try dubkit(["project", "create", "ds", "--workspace", ws], in: dir).status == 0)
        let added = try dubkit(["dataset", "add", "--project", "ds", "voice1", dir.path("a.wav").path,
                                dir.path("b.mp4").path, dir.path("a-copy.wav").path, "--workspace", ws], in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        let shown = try jsonObject(try dubkit(["dataset", "show", "--project", "ds", "voice1", "--json", "--workspace", ws], in: dir).stdout)
        let files = try #require(shown["files"] as? [[String: Any]])
        #expect(files.map { $0["originalName"] as? String } == ["a.wav", "b.mp4"])
        #expect(files.map { $0["sampleRate"] as? Int } == [22050, 48000])
        #expect(files.map { $0["channels"] as? Int } == [1, 2])
        let durations = files.compactMap { $0["durationSeconds"] as? Double }
        #expect(durations.count == 2 && abs(durations[0] - 1.5) < 0.01 && abs(durations[1] - 2) < 0.05)
        let bad = try dubkit(["dataset", "add", "--project", "ds", "voice1", dir.path("missing.wav").path, "--workspace", ws], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("missing.wav"))
    }

    @Test("help reads well and exits 0; an unknown command is a usage error (2)")
    func help() throws {
        let dir = try TemporaryDirectory()
        let help = try dubkit(["--help"], in: dir)
        #expect(help.status == 0)
        for word in ["project", "dub", "voice", "dataset", "--workspace", "--json"] {
            #expect(help.stdout.contains(word), "help lacks \(word)")
        }
        let unknown = try dubkit(["transmogrify"], in: dir)
        #expect(unknown.status == 2)
        #expect(!unknown.stderr.isEmpty)
        let missingProject = try dubkit(["dub", "list"], in: dir)
        #expect(missingProject.status == 2)
        #expect(missingProject.stderr.contains("--project"))
    }
}

@Suite("dubkit --verbose")
struct VerboseTests {
    @Test("--verbose says on stderr which workspace and store were used, and leaves stdout alone")
    func verbose() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        #expect(try ChildProcess.run("dubkit", ["project", "create", "v", "--workspace", ws]).status == 0)
        let quiet = try ChildProcess.run("dubkit", ["project", "show", "v", "--workspace", ws, "--json"])
        let loud = try ChildProcess.run("dubkit", ["--verbose", "project", "show", "v", "--workspace", ws, "--json"])
        #expect(quiet.stderr.isEmpty)
        #expect(loud.stderr.contains("workspace \(ws) (from --workspace)"))
        #expect(loud.stderr.contains("\(ws)/v/project.sqlite"))
        #expect(loud.stdout == quiet.stdout)
    }
}

@Suite("dubkit provider")
struct ProviderCLITests {
    @Test("provider list shows plugins of the workspace; check reaches one; unknown ids are usage errors")
    func listAndCheck() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        let listed = try ChildProcess.run("dubkit", ["provider", "list", "--json", "--workspace", ws])
        #expect(listed.status == 0, "\(listed.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let entry = try #require(entries.first { $0["id"] as? String == "soxpitch" })
        #expect(entry["key"] as? String == "notNeeded")
        #expect((entry["descriptor"] as? [String: Any])?["name"] as? String == "Sox pitch (example plugin)")
        let checked = try ChildProcess.run("dubkit", ["provider", "check", "soxpitch", "--workspace", ws])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("1000 credits left"))
        let unknown = try ChildProcess.run("dubkit", ["provider", "check", "nosuch", "--workspace", ws])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no provider 'nosuch'"))
    }

    @Test("dub create checks the provider's limits; dub run takes a dub to done with the example plugin")
    func createAndRun() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("in.wav"), frequency: 300)
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p", "--workspace", ws]).status == 0)

        let tooLoud = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:low",
                                                      "--file", dir.path("in.wav").path, "--param", "gainDb=40", "--workspace", ws])
        #expect(tooLoud.status == 2)
        #expect(tooLoud.stderr.contains("gainDb = 40") && tooLoud.stderr.contains("-20.0...20.0"))
        let noSource = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:low", "--workspace", ws])
        #expect(noSource.status == 2)

        let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:low",
                                                      "--file", dir.path("in.wav").path, "--pitch", "-2", "--workspace", ws])
        #expect(created.status == 0, "\(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id == "1")
        let ran = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "--all", "--workspace", ws, "--json"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done")
        #expect(ran.stderr.isEmpty, "--json prints no progress: \(ran.stderr)")
        let hash = try #require(dubs.first?["resultMediaHash"] as? String)
        #expect(FileManager.default.fileExists(atPath: "\(ws)/p/media/\(hash.prefix(2))/\(hash)"))
    }

    @Test("dub run killed with -9 at a stage boundary continues when run again, and pays once",
          arguments: ["uploading", "preprocessed", "generating", "queued"])
    func resumeAfterKill(marker: String) throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("in.wav"), seconds: 3)
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p", "--workspace", ws]).status == 0)
        #expect(try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:high",
                                                "--file", dir.path("in.wav").path, "--workspace", ws]).status == 0)
        let first = try ChildProcess("dubkit", ["dub", "run", "--project", "p", "1", "--workspace", ws],
                                     environment: ["DUBKIT_POLL_INTERVAL": "0.2"])
        #expect(first.waitForOutput("dub 1: \(marker)", inStderr: true))
        first.killHard()
        _ = first.wait()

        let again = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "--all", "--workspace", ws, "--json"],
                                         environment: ["DUBKIT_POLL_INTERVAL": "0.05"])
        let shown = try ChildProcess.run("dubkit", ["dub", "show", "--project", "p", "1", "--json", "--workspace", ws])
        let dub = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(dub["status"] as? String == "done", "\(again.stderr)")
        let stages = dub["stages"] as? [[String: Any]] ?? []
        let generates = stages.filter { $0["stage"] as? String == "generate" && $0["outcome"] as? String == "succeeded" }
        #expect(generates.count == 1)
        let account = try ChildProcess.run("dubkit", ["provider", "check", "soxpitch", "--workspace", ws])
        #expect(account.stdout.contains("997 credits left"), "charged more than once: \(account.stdout)")
    }

    @Test("dub estimate prices dubs by the provider's rule before anything is paid")
    func estimate() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("in.wav"), seconds: 2.5)
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p", "--budget", "10", "--workspace", ws]).status == 0)
        for _ in 0..<2 {
            #expect(try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:low",
                                                    "--file", dir.path("in.wav").path, "--workspace", ws]).status == 0)
        }
        let estimate = try ChildProcess.run("dubkit", ["dub", "estimate", "--project", "p", "--all", "--json", "--workspace", ws])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(estimate.stdout.utf8)) as? [String: Any])
        #expect((body["dubs"] as? [[String: Any]])?.map { $0["credits"] as? Int } == [3, 3])
        #expect(body["totalCredits"] as? Int == 6 && body["budgetCredits"] as? Int == 10)
        let table = try ChildProcess.run("dubkit", ["dub", "estimate", "--project", "p", "1", "--workspace", ws])
        #expect(table.stdout.contains("total: 3 credits"))
        #expect(try ChildProcess.run("dubkit", ["provider", "check", "soxpitch", "--workspace", ws]).stdout.contains("1000 credits left"))
    }

    @Test("a project's budget stops dub run before the paid step; raising it lets the dub finish")
    func budget() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("in.wav"))
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p", "--budget", "0", "--workspace", ws]).status == 0)
        #expect(try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "soxpitch:low",
                                                "--file", dir.path("in.wav").path, "--workspace", ws]).status == 0)
        let refused = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "1", "--workspace", ws])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("dub 1 was not generated: it costs 1 credits"))
        #expect(refused.stdout.contains("preprocessed"))
        #expect(try ChildProcess.run("dubkit", ["project", "budget", "p", "5", "--workspace", ws]).status == 0)
        let ran = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "--all", "--workspace", ws])
        #expect(ran.status == 0, "\(ran.stderr)")
        let shown = try ChildProcess.run("dubkit", ["project", "show", "p", "--json", "--workspace", ws])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(summary["creditsUsed"] as? Int == 1 && summary["budgetCredits"] as? Int == 5)
    }
}

@Suite("API keys")
struct APIKeyTests {
    /// A plugin that needs KEYED_API_KEY and answers `account` only when it has the right one.
    static let keyedPlugin = """
        #!/usr/bin/env python3
        import json, os, sys
        for line in sys.stdin:
            req = json.loads(line)
            m, rid = req["method"], req["id"]
            if m == "handshake":
                out = {"id": rid, "result": {"protocolVersion": 1}}
            elif m == "describe":
                out = {"id": rid, "result": {"id": "keyed", "name": "Keyed", "keyVariable": "KEYED_API_KEY"}}
            elif os.environ.get("KEYED_API_KEY") != "sk-live-0123456789abcdef":
                out = {"id": rid, "error": {"code": "unauthorized", "message": "bad or missing key"}}
            else:
                out = {"id": rid, "result": {"credits": 42}}
            print(json.dumps(out), flush=True)
        """

    @Test("a key saved by provider login reaches the plugin; no output, log or store file ever holds it")
    func keyNeverLeaks() throws {
        let key = "sk-live-0123456789abcdef"
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let plugins = ws.appendingPathComponent(".plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let plugin = plugins.appendingPathComponent("dubkit-provider-keyed")
        try Self.keyedPlugin.write(to: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin.path)
        let env = ["DUBKIT_CONFIG_DIR": dir.path("config").path]
        var outputs: [String] = []
        func run(_ args: [String], stdin: String? = nil) throws -> ChildProcess.Result {
            let result = try ChildProcess.run("dubkit", args, environment: env, input: stdin.map { Data($0.utf8) })
            outputs += [result.stdout, result.stderr]
            return result
        }
        let missing = try run(["provider", "check", "keyed", "--workspace", ws.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("KEYED_API_KEY"))
        let login = try run(["provider", "login", "keyed", "--workspace", ws.path], stdin: key + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        let checked = try run(["--verbose", "provider", "check", "keyed", "--workspace", ws.path])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("42 credits"))
        let listed = try run(["provider", "list", "--json", "--workspace", ws.path])
        #expect(listed.stdout.contains("\"key\" : \"file\""))
        #expect(try run(["project", "create", "p", "--workspace", ws.path]).status == 0)
        _ = try run(["--verbose", "project", "show", "p", "--workspace", ws.path])

        for output in outputs { #expect(!output.contains(key)) }
        let files = FileManager.default.enumerator(atPath: ws.path)?.allObjects as? [String] ?? []
        // Everything the commands wrote: the workspace but for the test's own plugin (whose check holds the key).
        for file in files where !file.hasPrefix(".plugins") {
            let data = (try? Data(contentsOf: ws.appendingPathComponent(file))) ?? Data()
            #expect(data.range(of: Data(key.utf8)) == nil, "\(file) holds the key")
        }
        #expect(files.contains("p/project.sqlite"))
        #expect(try String(contentsOf: dir.path("config/credentials.json"), encoding: .utf8).contains(key))
    }
}

@Suite("dubkit voice list --provider")
struct CatalogCLITests {
    @Test("a provider's catalog is searched through its plugin; --project and catalog filters do not mix")
    func catalog() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.installExamplePlugin(into: dir.path("ws"))
        let ws = dir.path("ws").path
        let all = try ChildProcess.run("dubkit", ["voice", "list", "--provider", "soxpitch", "--workspace", ws])
        #expect(all.status == 0, "\(all.stderr)")
        for voice in ["soxpitch:neutral", "soxpitch:high", "soxpitch:low"] { #expect(all.stdout.contains(voice)) }
        let found = try ChildProcess.run("dubkit", ["voice", "list", "--provider", "soxpitch", "--search", "lo", "--all", "--json", "--workspace", ws])
        let page = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect((page["voices"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["low"])
        let mixed = try ChildProcess.run("dubkit", ["voice", "list", "--project", "p", "--search", "x", "--workspace", ws])
        #expect(mixed.status == 2)
        let neither = try ChildProcess.run("dubkit", ["voice", "list", "--workspace", ws])
        #expect(neither.status == 2)
    }
}

