import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

@Suite("Project store")
struct StoreTests {
    @Test("a new project is migrated from empty: WAL, foreign keys, every table, one migration row")
    func migratesFromEmpty() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("fresh")
        try store.read { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true)
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            for table in ["project", "media", "voice", "dataset", "dataset_file", "dub", "stage_attempt",
                          "export", "export_dub", "event", "lifecycle_transition", "provider_pace"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") == ["v1-domain-model", "v2-voice-model-data", "v3-voice-training-request", "v4-dataset-file-analysis", "v5-dub-link-download", "v6-dub-sync-report", "v7-voice-credits-required", "v8-voice-training-parameters", "v9-dub-chunks", "v10-claims-and-paid-calls", "v11-dub-convert-key", "v12-paid-call-keeps-deleted", "v13-provider-pace"])
        }
        #expect(try store.info().name == "fresh")
        for sub in ["media", "exports"] {
            #expect(FileManager.default.fileExists(atPath: store.folder.appendingPathComponent(sub).path))
        }
    }

    @Test("reopening a project keeps its dubs, voices, datasets and log")
    func reopenKeepsData() throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.url)
        var dubID: Int64 = 0
        do {
            let store = try workspace.createProject("keep")
            let dub = try store.createDub(Dub(providerID: "voicedub", voiceRef: "abc", sourceKind: .link,
                                              source: "https://example.com/a.mp4", pitchShift: -3, separate: true,
                                              parameters: try DubParameters(["denoise": .bool(true)])))
            dubID = try #require(dub.id)
            try store.transitionDub(dubID, to: .uploading)
            _ = try store.createVoice(Voice(providerID: "local", name: "narrator", languages: ["english"]))
            _ = try store.createDataset(named: "takes")
        }
        let reopened = try workspace.openProject("keep")
        let dub = try reopened.dub(dubID)
        #expect(dub.status == .uploading && dub.pitchShift == -3 && dub.separate)
        #expect(dub.parameters.values["denoise"] == .bool(true))
        #expect(try reopened.voices().map(\.reference) == ["local:narrator"])
        #expect(try reopened.voices().first?.languages == ["english"])
        #expect(try reopened.datasets().map(\.name) == ["takes"])
        #expect(try reopened.events(of: .dub, id: dubID).map(\.toStatus) == ["new", "uploading"])
    }

    @Test("two processes writing the same project at once both finish, nothing lost, no 'database is locked'")
    func twoWritersAtOnce() throws {
        let dir = try TemporaryDirectory()
        _ = try Workspace(root: dir.url).createProject("busy")
        let perWriter = 40
        let writers = try ["a", "b"].map {
            try ChildProcess("StoreTortureHelper", ["write-many", dir.url.path, "busy", String(perWriter), $0])
        }
        let results = writers.map { $0.wait() }
        for result in results {
            #expect(result.status == 0, "writer failed: \(result.stderr)")
            #expect(!result.stderr.contains("locked"))
        }
        let store = try Workspace(root: dir.url).openProject("busy")
        let dubs = try store.dubs()
        #expect(dubs.count == 2 * perWriter)
        #expect(dubs.allSatisfy { $0.status == .done })
        // Each dub: one creation event and nine transitions.
        #expect(try store.events(of: .dub).count == 2 * perWriter * 10)
    }

    @Test("kill -9 inside a transaction leaves the store consistent: no half transition")
    func killMidTransaction() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("crash")
        let id = try #require(try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav")).id)
        let child = try ChildProcess("StoreTortureHelper", ["hang-in-transaction", dir.url.path, "crash", String(id)])
        #expect(child.waitForOutput("in-transaction"))
        child.killHard()
        _ = child.wait()

        let reopened = try Workspace(root: dir.url).openProject("crash")
        #expect(try reopened.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try reopened.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        let dub = try reopened.dub(id)
        #expect(dub.status == .new && dub.creditsUsed == 0)
        #expect(try reopened.events(of: .dub, id: id).map(\.toStatus) == ["new"])
        // The store still takes writes after the crash.
        #expect(try reopened.transitionDub(id, to: .uploading).status == .uploading)
    }

    @Test("kill -9 at a random moment of a stream of writes: every dub's status matches its last event")
    func killDuringChurn() throws {
        let dir = try TemporaryDirectory()
        _ = try Workspace(root: dir.url).createProject("churn")
        for round in 0..<3 {
            let child = try ChildProcess("StoreTortureHelper", ["churn", dir.url.path, "churn"])
            #expect(child.waitForOutput("ready"), "round \(round)")
            Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.2))
            child.killHard()
            _ = child.wait()
        }
        let store = try Workspace(root: dir.url).openProject("churn")
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        let dubs = try store.dubs()
        #expect(dubs.count >= 9)
        for dub in dubs {
            let events = try store.events(of: .dub, id: dub.id ?? -1)
            #expect(events.last?.toStatus == dub.status.rawValue, "dub \(dub.id ?? 0) half-transitioned")
        }
    }

    @Test("a store written by a newer DubKit is refused with a message naming the file")
    func refusesNewerStore() throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.url)
        do {
            let store = try workspace.createProject("future")
            try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        }
        #expect {
            try workspace.openProject("future")
        } throws: { error in
            guard case let .storeTooNew(path, unknown) = error as? DubKitError else { return false }
            return path.hasSuffix("future/project.sqlite") && unknown == ["v99-from-the-future"]
        }
    }

    @Test("dub fields outside their ranges are refused before anything is stored")
    func dubValidation() throws {
        #expect(throws: DubKitError.invalidField(field: "pitchShift", value: "25", allowed: "-24...24 semitones")) {
            try Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: "a.wav", pitchShift: 25)
        }
        for link in ["file:///etc/passwd", "ftp://example.com/a.mp3", "data:audio/wav;base64,AAAA", "not a link"] {
            #expect(throws: DubKitError.self, "\(link)") {
                try Dub(providerID: "voicedub", voiceRef: "x", sourceKind: .link, source: link)
            }
        }
        #expect(throws: DubKitError.self) { try DubParameters(json: "[1, 2]") }
        #expect(throws: DubKitError.self) { try DubParameters(json: "{not json") }
        let params = try DubParameters(json: #"{"strength": 0.5, "denoise": true}"#)
        #expect(params.json == #"{"denoise":true,"strength":0.5}"#)
    }
}
