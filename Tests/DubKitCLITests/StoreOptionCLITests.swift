import DubKitTestSupport
import Foundation
import Testing

/// `--store`/`DUBKIT_STORE` on the command line: `dub create`, `dub list` and `dub show` on both
/// stores, and the commands not on PostgreSQL yet refusing. PostgreSQL needs `DUBKIT_TEST_POSTGRES`
/// (`bash scripts/dev.sh test` starts a server): without it these tests fail saying so, never skip.
@Suite("--store on the command line")
struct StoreOptionCLITests {
    /// The stores a test runs on.
    enum Store: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "DUBKIT_TEST_POSTGRES is not set, so the commands cannot be tested on PostgreSQL. `bash scripts/dev.sh test` starts a "
                + "server and runs every test; for these alone: eval \"$(bash scripts/dev.sh postgres-start)\", then swift test "
                + "--filter StoreOptionCLITests, then bash scripts/dev.sh postgres-stop."
        }
    }

    /// The test server's URL (password included).
    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DUBKIT_TEST_POSTGRES"], !url.isEmpty else { throw MissingServer() }
        return url
    }

    /// A project name no other test uses (a plain identifier, as a PostgreSQL schema's name must be).
    static func freshProject() -> String {
        "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    private static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test("dub create, dub list and dub show work the same on both stores, for people and as JSON", arguments: Store.allCases)
    func createListShow(store: Store) throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        let project = Self.freshProject()
        var environment: [String: String] = [:]
        switch store {
        case .sqlite:
            let made = try ChildProcess.run("dubkit", ["project", "create", project, "--workspace", ws])
            #expect(made.status == 0, "\(made.stderr)")
        case .postgres:
            environment["DUBKIT_STORE"] = try Self.serverURL()
        }
        func dubkit(_ words: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", words + ["--workspace", ws], environment: environment)
        }
        try Fixtures.tone(dir.path("in.wav"), frequency: 300)

        let first = try dubkit(["dub", "create", "--project", project, "--voice", "local:bright", "--file", dir.path("in.wav").path,
                                "--pitch", "3", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let created = try #require(try Self.json(first.stdout) as? [String: Any])
        let id = try #require(created["id"] as? Int)
        #expect(created["status"] as? String == "new" && created["pitchShift"] as? Int == 3)
        let second = try dubkit(["dub", "create", "--project", project, "--voice", "local:warm", "--file", dir.path("in.wav").path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(id + 1))

        let listed = try dubkit(["dub", "list", "--project", project, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let dubs = try #require(try Self.json(listed.stdout) as? [[String: Any]])
        #expect(dubs.map { $0["id"] as? Int } == [id, id + 1])
        let table = try dubkit(["dub", "list", "--project", project, "--status", "new"])
        #expect(table.status == 0 && table.stdout.contains("local:bright") && table.stdout.contains("local:warm"), "\(table.stderr)")

        let shown = try dubkit(["dub", "show", "--project", project, String(id), "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let detail = try #require(try Self.json(shown.stdout) as? [String: Any])
        #expect(detail["id"] as? Int == id && detail["status"] as? String == "new")
        #expect((detail["stages"] as? [Any])?.isEmpty == true && (detail["paidCalls"] as? [Any])?.isEmpty == true)
        let fields = try dubkit(["dub", "show", "--project", project, String(id + 1)])
        #expect(fields.status == 0 && fields.stdout.contains("local:warm"), "\(fields.stderr)")

        let missing = try dubkit(["dub", "show", "--project", project, "999"])
        #expect(missing.status != 0 && missing.stderr.contains("999"), "\(missing.stderr)")
        let mistyped = try dubkit(["dub", "create", "--project", project, "--voice", "local:brite", "--file", dir.path("in.wav").path])
        #expect(mistyped.status == 2 && mistyped.stderr.contains("bright"), "\(mistyped.stderr)")
        #expect(try dubkit(["dub", "list", "--project", project, "--json"]).stdout == listed.stdout)
    }

    @Test("on PostgreSQL a command that works on SQLite only is refused before it does anything, naming itself; the password is never shown")
    func sqliteOnlyRefused() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        let url = try Self.serverURL()
        let password = URLComponents(string: url)?.password ?? ""
        let project = Self.freshProject()
        let run = try ChildProcess.run("dubkit", ["dub", "run", "--project", project, "--all", "--workspace", ws],
                                       environment: ["DUBKIT_STORE": url])
        #expect(run.status == 2)
        #expect(run.stderr.contains("dubkit dub run works on SQLite projects only for now"), "\(run.stderr)")
        let listed = try ChildProcess.run("dubkit", ["project", "list", "--store", url, "--workspace", ws, "--json"])
        #expect(listed.status == 2)
        let body = try #require(try Self.json(listed.stderr) as? [String: Any])
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["code"] as? String == "sqlite_only")
        #expect((error["message"] as? String)?.contains("dubkit project list") == true)
        for output in [run.stderr, listed.stderr] where !password.isEmpty {
            #expect(!output.contains(password))
        }
        // Nothing was made: the project does not exist on the server.
        let shown = try ChildProcess.run("dubkit", ["dub", "list", "--project", project, "--workspace", ws], environment: ["DUBKIT_STORE": url])
        #expect(shown.status != 0 && shown.stderr.contains(project), "\(shown.stderr)")
        // The SQLite default still works with the variable set to `sqlite`.
        let sqlite = try ChildProcess.run("dubkit", ["project", "list", "--workspace", ws], environment: ["DUBKIT_STORE": "sqlite"])
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
    }

    @Test("a store URL that does not parse is refused as bad input, naming the option and without its password")
    func badStore() throws {
        let dir = try TemporaryDirectory()
        let bad = try ChildProcess.run("dubkit", ["dub", "list", "--project", "p", "--store", "postgres://me:s3cret-pw@host:notaport/db",
                                                  "--workspace", dir.path("ws").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--store") && !bad.stderr.contains("s3cret-pw"), "\(bad.stderr)")
    }
}
