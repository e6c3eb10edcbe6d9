import DubKitTestSupport
import Foundation
import Testing

/// `--json` objects always have all their keys (null when empty), so records in different states
/// have one shape; the keys are those docs/json.md lists.
@Suite("JSON shapes", .serialized)
struct JSONShapeCLITests {
    /// The shapes of docs/json.md: each ```text block `Name { key: type … }`, a `(every key of Other)`
    /// line taking Other's keys.
    static func documented() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Fixtures.repository.appendingPathComponent("docs/json.md"), encoding: .utf8)
        var shapes: [String: Set<String>] = [:]
        var includes: [String: [String]] = [:]
        var current: String?
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inBlock = line == "```text"
                current = nil
                continue
            }
            guard inBlock else { continue }
            if line.hasSuffix(" {"), !line.hasPrefix(" ") {
                current = String(line.dropLast(2))
                shapes[current ?? "", default: []] = []
            } else if let name = current, line.hasPrefix("  (every key of ") {
                includes[name, default: []].append(String(line.dropFirst("  (every key of ".count).dropLast()))
            } else if let name = current, line.hasPrefix("  "), let colon = line.firstIndex(of: ":") {
                shapes[name, default: []].insert(line[line.index(line.startIndex, offsetBy: 2)..<colon].trimmingCharacters(in: .whitespaces))
            }
        }
        for (name, others) in includes {
            for other in others { shapes[name, default: []].formUnion(shapes[other] ?? []) }
        }
        return shapes
    }

    private struct Run {
        let dir: TemporaryDirectory
        var env: [String: String] { ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_CONFIG_DIR": dir.path("config").path] }

        func json(_ arguments: [String]) throws -> Any {
            let result = try ChildProcess.run("dubkit", arguments + ["--json"], environment: env, currentDirectory: dir.url)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        }

        func objects(_ arguments: [String]) throws -> [[String: Any]] {
            try #require(try json(arguments) as? [[String: Any]], "\(arguments) printed no array of objects")
        }

        func object(_ arguments: [String]) throws -> [String: Any] {
            try #require(try json(arguments) as? [String: Any], "\(arguments) printed no object")
        }
    }

    private static func keys(_ object: [String: Any]) -> Set<String> { Set(object.keys) }

    @Test("docs/json.md's shapes are read: the test below has something to compare")
    func documentedShapes() throws {
        let shapes = try Self.documented()
        for name in ["Dub", "DubDetail", "StageAttempt", "Event", "ProjectSummary", "ProjectEntry", "Voice", "Dataset",
                     "DatasetEntry", "DatasetFile", "ProviderEntry", "ErrorDetail", "Deletion"] {
            #expect(shapes[name]?.isEmpty == false, "\(name) missing from docs/json.md")
        }
        #expect(shapes["DubDetail"]?.isSuperset(of: shapes["Dub"] ?? []) == true)
    }

    @Test("a done dub and a failed one have the same keys, docs/json.md's, in list, status, show and run")
    func doneAndFailedDubs() throws {
        let shapes = try Self.documented()
        let run = Run(dir: try TemporaryDirectory())
        try Fixtures.tone(run.dir.path("ok.wav"), seconds: 2)
        try Fixtures.tone(run.dir.path("gone.wav"), seconds: 2)
        _ = try run.object(["project", "create", "p"])
        let created = try run.object(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "ok.wav"])
        #expect(Self.keys(created) == shapes["Dub"])
        _ = try run.object(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "gone.wav"])
        try FileManager.default.removeItem(at: run.dir.path("gone.wav"))
        // The batch fails (exit 1) but still prints both dubs.
        let batch = try ChildProcess.run("dubkit", ["dub", "run", "--project", "p", "--all", "--json"], environment: run.env,
                                         currentDirectory: run.dir.url)
        #expect(batch.status == 1)
        let ran = try #require(try JSONSerialization.jsonObject(with: Data(batch.stdout.utf8)) as? [[String: Any]])
        #expect(ran.map { $0["status"] as? String } == ["done", "error"])

        let listed = try run.objects(["dub", "list", "--project", "p"])
        let statuses = try run.objects(["dub", "status", "--project", "p"])
        for dubs in [ran, listed, statuses] {
            #expect(dubs.count == 2)
            for dub in dubs { #expect(Self.keys(dub) == shapes["Dub"], "\(Self.keys(dub).symmetricDifference(shapes["Dub"] ?? []))") }
        }
        let failed = try #require(listed.last)
        #expect(failed["errorCode"] is String && listed[0]["errorCode"] is NSNull)
        #expect(failed["resultMediaHash"] is NSNull && listed[0]["resultMediaHash"] is String)

        let done = try run.object(["dub", "show", "--project", "p", "1"])
        let error = try run.object(["dub", "show", "--project", "p", "2"])
        #expect(Self.keys(done) == shapes["DubDetail"] && Self.keys(error) == shapes["DubDetail"])
        for stage in (done["stages"] as? [[String: Any]] ?? []) + (error["stages"] as? [[String: Any]] ?? []) {
            #expect(Self.keys(stage) == shapes["StageAttempt"])
        }
        for call in (done["paidCalls"] as? [[String: Any]] ?? []) + (error["paidCalls"] as? [[String: Any]] ?? []) {
            #expect(Self.keys(call) == shapes["PaidCall"])
        }
        #expect(done["heldBy"] is NSNull)
        if let sync = done["syncReport"] as? [String: Any] { #expect(Self.keys(sync) == shapes["SyncReport"]) }
        for event in try run.objects(["dub", "log", "--project", "p", "2"]) { #expect(Self.keys(event) == shapes["Event"]) }
        let estimate = try run.object(["dub", "estimate", "--project", "p", "1"])
        #expect(Self.keys(estimate) == shapes["Estimate"])
        for line in estimate["dubs"] as? [[String: Any]] ?? [] { #expect(Self.keys(line) == shapes["EstimateLine"]) }
    }

    @Test("listings: projects (a broken folder too), datasets, dataset files, voices, providers have docs/json.md's keys")
    func listings() throws {
        let shapes = try Self.documented()
        let run = Run(dir: try TemporaryDirectory())
        try Fixtures.tone(run.dir.path("take.wav"), seconds: 2)
        _ = try run.object(["project", "create", "p"])
        try FileManager.default.createDirectory(at: run.dir.path("ws/not-a-project"), withIntermediateDirectories: true)
        let projects = try run.objects(["project", "list"])
        #expect(projects.count == 2)
        for project in projects { #expect(Self.keys(project) == shapes["ProjectEntry"]) }
        #expect(projects.contains { $0["problem"] is String && $0["dubs"] is NSNull })
        #expect(Self.keys(try run.object(["project", "show", "p"])) == shapes["ProjectSummary"])

        #expect(Self.keys(try run.object(["dataset", "create", "--project", "p", "empty"])) == shapes["Dataset"])
        let added = try run.objects(["dataset", "add", "--project", "p", "narrator", "take.wav"])
        for file in added { #expect(Self.keys(file) == shapes["DatasetFile"]) }
        for entry in try run.objects(["dataset", "list", "--project", "p"]) { #expect(Self.keys(entry) == shapes["DatasetEntry"]) }
        let detail = try run.object(["dataset", "show", "--project", "p", "narrator"])
        #expect(Self.keys(detail) == shapes["DatasetDetail"])
        for file in detail["files"] as? [[String: Any]] ?? [] { #expect(Self.keys(file) == shapes["DatasetFile"]) }

        let catalog = try run.object(["voice", "list", "--provider", "local"])
        #expect(Self.keys(catalog) == shapes["VoicePage"])
        for voice in catalog["voices"] as? [[String: Any]] ?? [] { #expect(Self.keys(voice) == shapes["ProviderVoice"]) }
        #expect(try run.objects(["voice", "list", "--project", "p"]).isEmpty)
        // Every delete prints a Deletion, whatever it deleted.
        #expect(Self.keys(try run.object(["dataset", "delete", "--project", "p", "empty", "--yes"])) == shapes["Deletion"])

        let providers = try run.objects(["provider", "list"])
        #expect(providers.count >= 6)
        for provider in providers {
            #expect(Self.keys(provider) == shapes["ProviderEntry"])
            let descriptor = provider["descriptor"] as? [String: Any]
            let billing = descriptor?["billing"] as? [String: Any]
            #expect(billing.map(Self.keys) == ["kind", "credits", "minimum", "minimumSeconds"], "\(provider["id"] ?? "?")")
            for parameter in (descriptor?["parameters"] as? [[String: Any]] ?? []) {
                #expect(Self.keys(parameter) == ["name", "kind", "summary", "min", "max", "values", "maxLength"])
            }
        }
    }

    @Test("dub delete and project delete print a Deletion with docs/json.md's keys")
    func deletions() throws {
        let shapes = try Self.documented()
        let run = Run(dir: try TemporaryDirectory())
        try Fixtures.tone(run.dir.path("take.wav"), seconds: 1)
        _ = try run.object(["project", "create", "p"])
        _ = try run.object(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "take.wav"])
        let deleted = try run.object(["dub", "delete", "--project", "p", "1", "--yes"])
        #expect(Self.keys(deleted) == shapes["Deletion"])
        #expect(deleted["name"] is NSNull && deleted["chunks"] as? [Int] == [])
        #expect(Self.keys(try run.object(["project", "delete", "p", "--yes"])) == shapes["Deletion"])
    }

    @Test("an error is {error: {code, hint, message}}, hint null when there is none")
    func errors() throws {
        let shapes = try Self.documented()
        let dir = try TemporaryDirectory()
        for words in [["project", "show", "nosuch", "--json"], ["projet", "--json"], ["project", "create", "--json"]] {
            let result = try ChildProcess.run("dubkit", words, environment: ["DUBKIT_WORKSPACE": dir.path("ws").path])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any])
            #expect(Self.keys(object) == shapes["Error"])
            let detail = try #require(object["error"] as? [String: Any])
            #expect(Self.keys(detail) == shapes["ErrorDetail"], "\(words)")
        }
    }
}
