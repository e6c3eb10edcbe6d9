import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// `dub delete`, `voice delete`, `dataset delete` and `project delete` as a user runs them (real
/// processes, a real store): `--yes` off a terminal, refusals while something still needs the record,
/// media removed only when no other record uses it, and paid calls that stay counted.
@Suite("delete commands", .serialized)
struct DeleteCLITests {
    static let key = "vdk-delete-5e1a"

    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    func environment(_ fake: FakeVoiceDub? = nil) -> [String: String] {
        var environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_CONFIG_DIR": dir.path("config").path,
                           "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_LEASE_SECONDS": "2"]
        if let fake {
            environment["VOICEDUB_BASE_URL"] = fake.baseURL.absoluteString
            environment["VOICEDUB_API_KEY"] = Self.key
        }
        return environment
    }

    func dubkit(_ arguments: [String], _ fake: FakeVoiceDub? = nil) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment(fake), currentDirectory: dir.url)
    }

    func store(_ name: String = "p") throws -> ProjectStore {
        try Workspace(root: dir.path("ws")).openProject(name)
    }

    /// The files under the project's media/ (not the ones being written).
    func mediaFiles(_ name: String = "p") throws -> Set<String> {
        let media = dir.path("ws/\(name)/media")
        let names = FileManager.default.enumerator(atPath: media.path)?.compactMap { $0 as? String } ?? []
        return Set(names.filter { !$0.hasPrefix(".incoming") && $0.split(separator: "/").last?.count == 64 }
            .compactMap { $0.split(separator: "/").last.map(String.init) })
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    static func errorCode(_ result: ChildProcess.Result) throws -> String? {
        (try object(result.stderr)["error"] as? [String: Any])?["code"] as? String
    }

    @Test("dub delete: refused off a terminal without --yes; a source two dubs share stays until the second goes; an export keeps its record and file")
    func dubDeleteSharedMedia() throws {
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let audio = dir.path("line.wav")
        try Fixtures.tone(audio, seconds: 1.5)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", audio.path]).status == 0)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:bright", "--file", audio.path]).status == 0)
        let ran = try dubkit(["dub", "run", "--project", "p", "--all", "-q"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let first = try store().dub(1), second = try store().dub(2)
        let shared = try #require(first.sourceMediaHash)
        #expect(second.sourceMediaHash == shared)
        let firstResult = try #require(first.resultMediaHash), secondResult = try #require(second.resultMediaHash)
        #expect(try mediaFiles() == [shared, firstResult, secondResult])
        let exported = try dubkit(["export", "--project", "p", "1", "-o", dir.path("one.m4a").path, "-q"])
        #expect(exported.status == 0, "\(exported.stderr)")

        // Off a terminal (stdin is not one here) nothing is deleted without --yes: exit 2, and the message says so.
        let refused = try dubkit(["dub", "delete", "--project", "p", "1"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"), "\(refused.stderr)")
        #expect(try store().dub(1).status == .done)

        let deleted = try dubkit(["dub", "delete", "--project", "p", "1", "--yes", "--json"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let deletion = try Self.object(deleted.stdout)
        #expect(deletion["entity"] as? String == "dub" && deletion["id"] as? Int == 1)
        #expect(deletion["mediaRemoved"] as? [String] == [firstResult])
        #expect(deletion["mediaKept"] as? [String] == [shared])
        #expect(deletion["exportsUnlinked"] as? [Int] == [1])
        #expect(try mediaFiles() == [shared, secondResult])
        #expect(FileManager.default.fileExists(atPath: dir.path("one.m4a").path), "the exported file is the user's")
        #expect(try store().summary().exports == 1)
        let shown = try dubkit(["dub", "show", "--project", "p", "1", "--json"])
        #expect(shown.status == 1)
        #expect(try Self.errorCode(shown) == "not_found")
        // The log is kept, ending with the deleted note.
        let log = try dubkit(["dub", "log", "--project", "p", "1"])
        #expect(log.status == 0 && log.stdout.split(separator: "\n").last?.contains("deleted") == true, "\(log.stdout)")

        let second2 = try dubkit(["dub", "delete", "--project", "p", "2", "--yes", "--json"])
        #expect(second2.status == 0, "\(second2.stderr)")
        #expect(Set(try Self.object(second2.stdout)["mediaRemoved"] as? [String] ?? []) == [shared, secondResult])
        #expect(try mediaFiles().isEmpty)
        #expect(try store().summary().mediaBytes == 0)
    }

    @Test("a dub a running `dub run` holds is refused naming it, and so is its project; once done and deleted its paid call stays and the budget counts it")
    func heldAndPaidDub() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(700)))
        let voice = try #require(fake.publicVoices.first?.id)
        #expect(try dubkit(["project", "create", "p"], fake).status == 0)
        let audio = dir.path("line.wav")
        try Fixtures.tone(audio, seconds: 2)
        for _ in 0..<2 {
            let created = try dubkit(["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)", "--file", audio.path], fake)
            #expect(created.status == 0, "\(created.stderr)")
        }
        let runner = try ChildProcess("dubkit", ["dub", "run", "--project", "p", "1", "-q"], environment: environment(fake),
                                      currentDirectory: dir.url)
        let deadline = Date().addingTimeInterval(30)
        while try store().dub(1).status != .processing && Date() < deadline && runner.isRunning {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(try store().dub(1).status == .processing)
        let refused = try dubkit(["dub", "delete", "--project", "p", "1", "--yes"], fake)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("pid \(runner.pid)"), "\(refused.stderr)")
        let project = try dubkit(["project", "delete", "p", "--yes"], fake)
        #expect(project.status == 1 && project.stderr.contains("pid \(runner.pid)"), "\(project.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("ws/p/project.sqlite").path))
        let finished = runner.wait()
        #expect(finished.status == 0, "\(finished.stderr)")

        let paid = try store().dub(1)
        #expect(paid.status == .done && paid.creditsUsed > 0)
        let spent = try store().summary().creditsUsed
        #expect(spent == paid.creditsUsed)
        let deleted = try dubkit(["dub", "delete", "--project", "p", "1", "--yes", "--json"], fake)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let deletion = try Self.object(deleted.stdout)
        #expect(deletion["paidCallsKept"] as? Int == 1 && deletion["creditsKept"] as? Int == Int(paid.creditsUsed))

        // The ledger row stays, its dub gone, noted; the project still counts what was spent.
        let calls = try store().paidCalls()
        #expect(calls.count == 1)
        #expect(calls.first?.dubID == nil && calls.first?.state == .completed && calls.first?.note?.contains("dub 1 deleted") == true)
        #expect(try store().summary().creditsUsed == spent)
        #expect(try store().committedCredits() == spent)

        // A budget that leaves room for the second dub only if the deleted one were forgotten refuses it.
        #expect(try dubkit(["project", "budget", "p", String(spent + paid.creditsUsed - 1)], fake).status == 0)
        let over = try dubkit(["dub", "run", "--project", "p", "2", "--json"], fake)
        #expect(over.status == 1)
        #expect(over.stderr.contains("budget_exceeded"), "\(over.stderr)")
        #expect(try store().dub(2).status == .preprocessed)
    }

    @Test("voice delete: refused while an unfinished dub uses it; dataset delete: refused while a training is not done, allowed once its voice is trained")
    func voiceAndDataset() throws {
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let takes = ["take1.flac", "take2.flac"].map { Fixtures.repository.appendingPathComponent("Samples/dataset/\($0)").path }
        #expect(try dubkit(["dataset", "add", "--project", "p", "narrator"] + takes).status == 0)
        let trained = try dubkit(["voice", "train", "--project", "p", "narrator", "--dataset", "narrator", "--provider", "local"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let audio = dir.path("line.wav")
        try Fixtures.tone(audio, seconds: 1)
        #expect(try dubkit(["dub", "create", "--project", "p", "--voice", "local:narrator", "--file", audio.path]).status == 0)

        let unconfirmed = try dubkit(["voice", "delete", "--project", "p", "narrator"])
        #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        let inUse = try dubkit(["voice", "delete", "--project", "p", "narrator", "--yes", "--json"])
        #expect(inUse.status == 1)
        #expect(try Self.errorCode(inUse) == "in_use")
        #expect(inUse.stderr.contains("dub 1 "), "\(inUse.stderr)")
        #expect(try store().voices().count == 1)

        // A training that is not done still reads its dataset.
        let dataset = try store().dataset(named: "narrator")
        _ = try store().createVoice(Voice(providerID: "local", name: "second", datasetID: dataset.id))
        let reading = try dubkit(["dataset", "delete", "--project", "p", "narrator", "--yes", "--json"])
        #expect(reading.status == 1)
        #expect(try Self.errorCode(reading) == "in_use")
        #expect(reading.stderr.contains("local:second"), "\(reading.stderr)")
        #expect(try dubkit(["voice", "delete", "--project", "p", "local:second", "--yes"]).status == 0)

        // Once its dub is done, the voice goes; the dub keeps its voice reference.
        #expect(try dubkit(["dub", "run", "--project", "p", "1", "-q"]).status == 0)
        let gone = try dubkit(["voice", "delete", "--project", "p", "narrator", "--yes", "--json"])
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(try Self.object(gone.stdout)["name"] as? String == "local:narrator")
        #expect(try store().voices().isEmpty)
        let dub = try store().dub(1)
        #expect(dub.voiceID == nil && dub.providerID == "local" && dub.voiceRef == "narrator" && dub.status == .done)

        let files = try store().files(of: dataset).map(\.mediaHash)
        #expect(try mediaFiles().isSuperset(of: files))
        let unconfirmedDataset = try dubkit(["dataset", "delete", "--project", "p", "narrator"])
        #expect(unconfirmedDataset.status == 2 && unconfirmedDataset.stderr.contains("--yes"))
        let removed = try dubkit(["dataset", "delete", "--project", "p", "narrator", "--yes", "--json"])
        #expect(removed.status == 0, "\(removed.stderr)")
        let deletion = try Self.object(removed.stdout)
        #expect(deletion["files"] as? Int == 2 && Set(deletion["mediaRemoved"] as? [String] ?? []) == Set(files))
        #expect(try mediaFiles().isDisjoint(with: files))
        #expect(try store().datasets().isEmpty)
        #expect(try mediaFiles() == Set([dub.sourceMediaHash, dub.resultMediaHash].compactMap { $0 }))
    }

    @Test("project delete: refused off a terminal without --yes, then deletes the folder and prints what went")
    func projectDelete() throws {
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let audio = dir.path("line.wav")
        try Fixtures.tone(audio, seconds: 1)
        #expect(try dubkit(["dataset", "add", "--project", "p", "takes", audio.path]).status == 0)
        let refused = try dubkit(["project", "delete", "p", "--json"])
        #expect(refused.status == 2)
        #expect(try Self.errorCode(refused) == "confirmation_needed")
        #expect(FileManager.default.fileExists(atPath: dir.path("ws/p/project.sqlite").path))
        let deleted = try dubkit(["project", "delete", "p", "-y", "--json"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let deletion = try Self.object(deleted.stdout)
        #expect(deletion["name"] as? String == "p" && (deletion["mediaRemoved"] as? [String])?.count == 1)
        #expect((deletion["bytesFreed"] as? Int ?? 0) > 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path("ws/p").path))
    }
}
