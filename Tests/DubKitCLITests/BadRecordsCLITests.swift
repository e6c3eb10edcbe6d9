import DubKit
import DubKitTestSupport
import Foundation
import GRDB
import Testing

/// A project workspace for one test, with `dubkit` run in it.
private struct Bench {
    let dir: TemporaryDirectory
    var ws: URL { dir.path("ws") }

    init() throws {
        dir = try TemporaryDirectory("bad-records")
    }

    func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: ["DUBKIT_WORKSPACE": ws.path, "DUBKIT_POLL_INTERVAL": "0.01"],
                             currentDirectory: dir.url)
    }

    /// Runs raw SQL on project `project`'s store, as another program (or a hand) would.
    func sql(_ project: String, _ statement: String) throws {
        try DatabaseQueue(path: ws.appendingPathComponent("\(project)/project.sqlite").path).write { db in
            try db.execute(sql: statement)
        }
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    func dubs(_ project: String) throws -> [Int: [String: Any]] {
        let listed = try dubkit(["dub", "list", "--project", project, "--json"])
        let array = try #require(try json(listed.stdout) as? [[String: Any]], "\(listed.stderr)")
        return Dictionary(uniqueKeysWithValues: array.compactMap { entry in (entry["id"] as? Int).map { ($0, entry) } })
    }
}

/// A local voice's model as a voice export carries it, with fields replaced (raw JSON text) or removed (nil).
private func model(_ changes: [String: String?] = [:]) -> String {
    var fields: [String: String] = [
        "logF0Mean": String(log(180.0)), "logF0StandardDeviation": "0.15", "medianF0": "180", "formantScale": "1.05",
        "loudness": "-22", "sampleRate": "22050", "engineVersion": "\"local-1\"", "origin": "\"measured\"",
        "longTermSpectrum": "[" + (0..<28).map { String(-30 - $0) }.joined(separator: ", ") + "]",
    ]
    for (key, value) in changes { fields[key] = value }
    return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
}

/// A whole export file around `modelData` (raw JSON text); `drop` leaves a top-level key out.
private func exportFile(name: String = "narrator", modelData: String = model(), drop: String? = nil) -> String {
    let fields: [(String, String)] = [
        ("format", "\"dubkit-voice\""), ("version", "1"), ("provider", "\"local\""), ("name", "\"\(name)\""),
        ("languages", "[]"), ("genres", "[]"), ("styles", "[]"), ("modelData", modelData), ("project", "\"elsewhere\""),
        ("exportedAt", "\"2025-01-02T03:04:05Z\""),
    ]
    return "{\n" + fields.filter { $0.0 != drop }.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
}

@Suite("bad records and bad audio never stop the rest of a project")
struct BadRecordsCLITests {
    @Test("voice import refuses a malformed local model, naming the field, and stores nothing")
    func importRefusesMalformedModels() throws {
        let bench = try Bench()
        #expect(try bench.dubkit(["project", "create", "p"]).status == 0)
        let spectrumWithNaN = "[" + (0..<28).map { $0 == 4 ? "NaN" : "-30" }.joined(separator: ", ") + "]"
        let cases: [(what: String, file: String, field: String)] = [
            ("an empty spectrum", exportFile(modelData: model(["longTermSpectrum": "[]"])), "modelData.longTermSpectrum"),
            ("27 bands", exportFile(modelData: model(["longTermSpectrum": "[" + Array(repeating: "-30", count: 27).joined(separator: ",") + "]"])),
             "modelData.longTermSpectrum"),
            ("a NaN band, as Python writes it", exportFile(modelData: model(["longTermSpectrum": spectrumWithNaN])),
             "modelData.longTermSpectrum[4]"),
            ("a NaN loudness", exportFile(modelData: model(["loudness": "NaN"])), "modelData.loudness"),
            ("an infinite pitch", exportFile(modelData: model(["medianF0": "Infinity"])), "modelData.medianF0"),
            ("a number too large for a double", exportFile(modelData: model(["sampleRate": "1e999"])), "modelData.sampleRate"),
            ("a negative pitch", exportFile(modelData: model(["medianF0": "-180"])), "modelData.medianF0"),
            ("text for a number", exportFile(modelData: model(["formantScale": "\"wide\""])), "modelData.formantScale"),
            ("no loudness", exportFile(modelData: model(["loudness": nil])), "modelData.loudness"),
            ("no spectrum", exportFile(modelData: model(["longTermSpectrum": nil])), "modelData.longTermSpectrum"),
            ("no model at all", exportFile(modelData: "null"), "modelData"),
            ("no name", exportFile(drop: "name"), "name"),
        ]
        for (index, malformed) in cases.enumerated() {
            let file = bench.dir.path("bad\(index).json")
            try Data(malformed.file.utf8).write(to: file)
            let refused = try bench.dubkit(["voice", "import", "--project", "p", file.path])
            #expect(refused.status == 2, "\(malformed.what): \(refused.stderr)")
            #expect(refused.stderr.contains(malformed.field) && refused.stderr.contains(file.path),
                    "\(malformed.what): \(refused.stderr)")
            let asJSON = try bench.dubkit(["voice", "import", "--project", "p", file.path, "--json"])
            let error = try #require((try bench.json(asJSON.stderr) as? [String: Any])?["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_field", "\(malformed.what)")
        }
        let listed = try bench.dubkit(["voice", "list", "--project", "p", "--json"])
        let voices = try bench.json(listed.stdout) as? [Any]
        #expect(listed.status == 0 && voices?.isEmpty == true, "\(listed.stdout)")

        // The same file with a good model is imported.
        let good = bench.dir.path("good.json")
        try Data(exportFile().utf8).write(to: good)
        let imported = try bench.dubkit(["voice", "import", "--project", "p", good.path])
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    @Test("a damaged model already stored fails its own dub, naming the voice and field; the project's other dub runs to done and voices still list")
    func storedModelFailsItsDubOnly() throws {
        let bench = try Bench()
        #expect(try bench.dubkit(["project", "create", "p"]).status == 0)
        let good = bench.dir.path("good.json")
        try Data(exportFile().utf8).write(to: good)
        for name in ["good", "broken", "garbled"] {
            let imported = try bench.dubkit(["voice", "import", "--project", "p", good.path, "--name", name])
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        // Written behind DubKit's back: an empty spectrum (what used to crash every run of the project
        // with an index out of range), and text that is not JSON.
        try bench.sql("p", "UPDATE voice SET model_data = '\(model(["longTermSpectrum": "[]"]))' WHERE name = 'broken'")
        try bench.sql("p", "PRAGMA ignore_check_constraints = ON; UPDATE voice SET model_data = 'not json {' WHERE name = 'garbled'")
        let audio = bench.dir.path("take.wav")
        try Fixtures.tone(audio, seconds: 1)
        for voice in ["local:broken", "local:good", "local:garbled"] {
            #expect(try bench.dubkit(["dub", "create", "--project", "p", "--voice", voice, "--file", audio.path]).status == 0)
        }
        let ran = try bench.dubkit(["dub", "run", "--project", "p", "--all"])
        #expect(ran.status == 1, "\(ran.stderr)")
        let dubs = try bench.dubs("p")
        #expect(dubs[2]?["status"] as? String == "done", "\(dubs)")
        #expect(dubs[1]?["status"] as? String == "error" && dubs[1]?["errorCode"] as? String == "invalid_voice_model")
        let brokenMessage = dubs[1]?["errorMessage"] as? String ?? ""
        #expect(brokenMessage.contains("local:broken") && brokenMessage.contains("longTermSpectrum"), "\(brokenMessage)")
        #expect(dubs[3]?["status"] as? String == "error" && dubs[3]?["errorCode"] as? String == "damaged_record")
        let garbledMessage = dubs[3]?["errorMessage"] as? String ?? ""
        #expect(garbledMessage.contains("voice") && garbledMessage.contains("model_data"), "\(garbledMessage)")
        // Nothing was handed to the engine for the failed dubs.
        #expect(dubs[1]?["providerJobId"] is NSNull && dubs[3]?["providerJobId"] is NSNull)

        // The voices list, the damaged ones marked with what is wrong.
        let table = try bench.dubkit(["voice", "list", "--project", "p"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("local:good") && $0.contains("done") }, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("local:broken") && $0.contains("damaged") && $0.contains("longTermSpectrum") })
        #expect(lines.contains { $0.hasPrefix("local:garbled") && $0.contains("damaged") && $0.contains("model_data") })
        #expect(table.stderr.contains("warning: voice") && table.stderr.contains("model_data.longTermSpectrum"), "\(table.stderr)")
        let listed = try bench.dubkit(["voice", "list", "--project", "p", "--json"])
        let entries = try #require(try bench.json(listed.stdout) as? [[String: Any]])
        #expect(entries.count == 3)
        let broken = try #require(entries.first { $0["name"] as? String == "local:broken" })
        #expect(broken["damaged"] as? Bool == true && broken["field"] as? String == "model_data.longTermSpectrum")
        #expect(entries.contains { $0["name"] as? String == "good" && $0["status"] as? String == "done" })
        // Both have docs/json.md's shapes: a damaged voice is a DamagedRow, the others Voices.
        let shapes = try JSONShapeCLITests.documented()
        for entry in entries { #expect(Set(entry.keys) == shapes[entry["damaged"] == nil ? "Voice" : "DamagedRow"]) }
    }

    @Test("a dub row with a status DubKit does not know: listings show it damaged, the others list, show and run to done")
    func unknownStatusFailsItsDubOnly() throws {
        let bench = try Bench()
        #expect(try bench.dubkit(["project", "create", "p"]).status == 0)
        let audio = bench.dir.path("take.wav")
        try Fixtures.tone(audio, seconds: 1)
        func create() throws {
            #expect(try bench.dubkit(["dub", "create", "--project", "p", "--voice", "local:bright", "--file", audio.path]).status == 0)
        }
        try create()
        // Written by another program: a copy of dub 1 in a status DubKit does not know (the store's
        // guard watches status changes, not new rows).
        try bench.sql("p", """
            INSERT INTO dub (provider_id, voice_ref, source_kind, source, pitch_shift, separate, parameters, status,
                             credits_used, created_at, updated_at)
            SELECT provider_id, voice_ref, source_kind, source, pitch_shift, separate, parameters, 'teleporting',
                   credits_used, created_at, updated_at FROM dub WHERE id = 1
            """)
        try create()
        try create()
        // A time that is not one: GRDB's own reading of it would stop the process.
        try bench.sql("p", "UPDATE dub SET updated_at = 'last tuesday' WHERE id = 4")

        let table = try bench.dubkit(["dub", "list", "--project", "p"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.map { $0.first.map(String.init) ?? "" } == ["1", "2", "3", "4"], "\(table.stdout)")
        #expect(rows.map { $0.dropFirst().first.map(String.init) ?? "" } == ["new", "damaged", "new", "damaged"])
        #expect(table.stdout.contains("status is teleporting") && table.stdout.contains("updated_at is \"last tuesday\""))
        #expect(table.stderr.contains("warning: dub 2 of project 'p' is damaged: its status is teleporting"), "\(table.stderr)")

        var dubs = try bench.dubs("p")
        #expect(dubs.count == 4)
        #expect(dubs[2]?["damaged"] as? Bool == true && dubs[2]?["field"] as? String == "status"
                && dubs[2]?["value"] as? String == "teleporting" && dubs[2]?["entity"] as? String == "dub")
        #expect(dubs[4]?["damaged"] as? Bool == true && dubs[4]?["field"] as? String == "updated_at")
        #expect(dubs[1]?["status"] as? String == "new" && dubs[1]?["damaged"] == nil)
        let shapes = try JSONShapeCLITests.documented()
        #expect(dubs[2].map { Set($0.keys) } == shapes["DamagedRow"] && dubs[4].map { Set($0.keys) } == shapes["DamagedRow"])
        #expect(dubs[1].map { Set($0.keys) } == shapes["Dub"])

        #expect(try bench.dubkit(["dub", "show", "--project", "p", "1"]).status == 0)
        let shown = try bench.dubkit(["dub", "show", "--project", "p", "2", "--json"])
        #expect(shown.status == 1)
        let error = try #require((try bench.json(shown.stderr) as? [String: Any])?["error"] as? [String: Any])
        #expect(error["code"] as? String == "damaged_record")
        #expect((error["message"] as? String)?.contains("dub 2") == true && (error["message"] as? String)?.contains("status") == true)

        let ran = try bench.dubkit(["dub", "run", "--project", "p", "--all"])
        #expect(ran.status == 1, "\(ran.stderr)")
        #expect(ran.stderr.contains("dub 2 of project 'p' is damaged") && ran.stderr.contains("dub 4 of project 'p' is damaged"))
        dubs = try bench.dubs("p")
        #expect(dubs[1]?["status"] as? String == "done" && dubs[3]?["status"] as? String == "done", "\(dubs)")
        #expect(dubs[2]?["damaged"] as? Bool == true)
        #expect(try bench.dubkit(["voice", "list", "--project", "p"]).status == 0)
        #expect(try bench.dubkit(["project", "show", "p"]).status == 0)
    }

    @Test("audio that decodes to NaN or infinity is refused at dataset add, by dub run before any job, and by convert, naming the file",
          arguments: [Float.nan, Float.infinity])
    func nonFiniteAudio(bad: Float) throws {
        let bench = try Bench()
        #expect(try bench.dubkit(["project", "create", "p"]).status == 0)
        let audio = bench.dir.path("bad.wav")
        try Fixtures.floatWAV(audio, seconds: 2, bad: bad, badAt: [16000])

        let added = try bench.dubkit(["dataset", "add", "--project", "p", "takes", audio.path, "--json"])
        #expect(added.status == 1)
        let error = try #require((try bench.json(added.stderr) as? [String: Any])?["error"] as? [String: Any], "\(added.stderr)")
        #expect(error["code"] as? String == "media.non_finite_samples")
        #expect((error["message"] as? String)?.contains(audio.path) == true)
        let datasets = try bench.dubkit(["dataset", "list", "--project", "p", "--json"])
        let datasetList = try bench.json(datasets.stdout) as? [Any]
        #expect(datasetList?.isEmpty == true, "\(datasets.stdout)")

        #expect(try bench.dubkit(["dub", "create", "--project", "p", "--voice", "local:bright", "--file", audio.path]).status == 0)
        let ran = try bench.dubkit(["dub", "run", "--project", "p", "--all"])
        #expect(ran.status == 1)
        let dub = try #require(try bench.dubs("p")[1])
        #expect(dub["status"] as? String == "error" && dub["errorCode"] as? String == "media.non_finite_samples")
        #expect((dub["errorMessage"] as? String)?.contains(audio.path) == true)
        #expect(dub["providerJobId"] is NSNull, "a job was made for audio that cannot be converted")

        let output = bench.dir.path("out.wav")
        let converted = try bench.dubkit(["convert", audio.path, "-o", output.path, "--voice", "local:bright", "--project", "p"])
        #expect(converted.status == 1)
        #expect(converted.stderr.contains(audio.path) && converted.stderr.contains("NaN or infinity"), "\(converted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let incoming = bench.ws.appendingPathComponent("p/media/.incoming")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: incoming.path)) ?? []).isEmpty)
    }
}
