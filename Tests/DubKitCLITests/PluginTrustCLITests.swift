import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// Ways a plugin can be open to change by someone else.
enum UnsafePlugin: String, CaseIterable, Sendable {
    case groupWritableFile, worldWritableFile, groupWritableFolder, worldWritableFolder
    case otherOwnersFile, otherOwnersFolder, linkToGroupWritableFile, linkToOtherOwnersFile

    static let writable: [UnsafePlugin] = [.groupWritableFile, .worldWritableFile, .groupWritableFolder, .worldWritableFolder,
                                           .linkToGroupWritableFile]
    static let otherOwners: [UnsafePlugin] = [.otherOwnersFile, .otherOwnersFolder, .linkToOtherOwnersFile]

    /// The reason `provider list` must give.
    var reason: String {
        switch self {
        case .groupWritableFile, .groupWritableFolder, .linkToGroupWritableFile: "group-writable"
        case .worldWritableFile, .worldWritableFolder: "world-writable"
        case .otherOwnersFile, .otherOwnersFolder, .linkToOtherOwnersFile: "owned by uid 1001"
        }
    }
}

/// A workspace whose `.plugins/dubkit-provider-probe` is made unsafe in one way; the plugin counts its runs.
private struct UnsafeWorkspace {
    let dir: TemporaryDirectory
    let kind: UnsafePlugin
    /// The file or folder at fault.
    let culprit: URL
    var ws: String { dir.path("ws").path }
    var marker: URL { dir.path("runs") }

    init(_ kind: UnsafePlugin) throws {
        dir = try TemporaryDirectory()
        self.kind = kind
        let folder = dir.path("ws/.plugins")
        let plugin = folder.appendingPathComponent("dubkit-provider-probe")
        let fm = FileManager.default
        switch kind {
        case .linkToGroupWritableFile, .linkToOtherOwnersFile:
            let target = dir.path("ws/tools/probe.py")
            try MarkerPlugin.install("probe", at: target, marker: dir.path("runs"))
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try fm.createSymbolicLink(at: plugin, withDestinationURL: target)
            culprit = target
        case .groupWritableFolder, .worldWritableFolder, .otherOwnersFolder:
            try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"))
            culprit = folder
        case .groupWritableFile, .worldWritableFile, .otherOwnersFile:
            try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"))
            culprit = plugin
        }
        switch kind {
        case .groupWritableFile, .groupWritableFolder, .linkToGroupWritableFile:
            try fm.setAttributes([.posixPermissions: 0o775], ofItemAtPath: culprit.path)
        case .worldWritableFile:
            try fm.setAttributes([.posixPermissions: 0o757], ofItemAtPath: culprit.path)
        case .worldWritableFolder:
            try fm.setAttributes([.posixPermissions: 0o1757], ofItemAtPath: culprit.path)
        case .otherOwnersFile, .otherOwnersFolder, .linkToOtherOwnersFile:
            try fm.setAttributes([.ownerAccountID: 1001], ofItemAtPath: culprit.path)
        }
    }

    /// Makes the culprit safe again, as the refusal's fix says.
    func repair() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o755, .ownerAccountID: 0], ofItemAtPath: culprit.path)
    }

    func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments + ["--workspace", ws])
    }
}

@Suite("Plugin trust on the command line")
struct PluginTrustCLITests {
    /// Every way of reaching the plugin refuses it without running it; `provider list` says why.
    private func neverRun(_ kind: UnsafePlugin) throws {
        let setup = try UnsafeWorkspace(kind)

        let listed = try setup.dubkit(["provider", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let entry = try #require(entries.first { $0["id"] as? String == "probe" }, "the refused plugin is still listed")
        #expect(entry["descriptor"] is NSNull)
        let refusal = try #require(entry["refusal"] as? [String: Any])
        #expect(Set(refusal.keys) == (try JSONShapeCLITests.documented())["PluginRefusal"])
        #expect(refusal["path"] as? String == setup.culprit.path)
        #expect(refusal["reason"] as? String == kind.reason)
        #expect(refusal["plugin"] as? String == "\(setup.ws)/.plugins/dubkit-provider-probe")
        #expect((refusal["fix"] as? String)?.contains(kind.reason.hasPrefix("owned") ? "chown" : "chmod go-w") == true)

        let table = try setup.dubkit(["provider", "list"])
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("probe") })
        #expect(row.contains("not run: \(setup.culprit.path) is \(kind.reason)"))

        let checked = try setup.dubkit(["provider", "check", "probe", "--json"])
        #expect(checked.status == 1)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(checked.stderr.utf8)) as? [String: Any])["error"] as? [String: Any]
        #expect(error?["code"] as? String == "plugin_untrusted")
        #expect((error?["message"] as? String)?.contains(setup.culprit.path) == true)
        #expect(try setup.dubkit(["voice", "list", "--provider", "probe"]).status != 0)
        try Fixtures.tone(setup.dir.path("in.wav"), seconds: 0.5)
        #expect(try setup.dubkit(["project", "create", "p"]).status == 0)
        let created = try setup.dubkit(["dub", "create", "--project", "p", "--voice", "probe:x", "--file", setup.dir.path("in.wav").path])
        #expect(created.status != 0 && created.stderr.contains(kind.reason))
        #expect(MarkerPlugin.runs(setup.marker) == 0, "a refused plugin was run")

        // Only the refusal kept it from running: repaired, it is described (once) and reachable.
        try setup.repair()
        let repaired = try setup.dubkit(["provider", "check", "probe"])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(repaired.stdout.contains("7 credits left"))
        #expect(MarkerPlugin.runs(setup.marker) == 1)
    }

    @Test("a group- or world-writable plugin, plugin folder or link target is listed with the reason and never run",
          arguments: UnsafePlugin.writable)
    func writable(kind: UnsafePlugin) throws {
        try neverRun(kind)
    }

    @Test("a plugin, plugin folder or link target owned by another user is listed with the reason and never run",
          .enabled(if: geteuid() == 0, "giving a file to another user needs root"),
          arguments: UnsafePlugin.otherOwners)
    func otherOwner(kind: UnsafePlugin) throws {
        try neverRun(kind)
    }

    @Test("provider list runs a plugin only when it is new or changed")
    func listFromCache() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let plugin = ws.appendingPathComponent(".plugins/dubkit-provider-probe")
        try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"), name: "First")
        func list() throws -> String {
            let listed = try ChildProcess.run("dubkit", ["provider", "list", "--workspace", ws.path])
            #expect(listed.status == 0, "\(listed.stderr)")
            return listed.stdout
        }
        #expect(try list().contains("First"))
        #expect(try list().contains("First"))
        #expect(MarkerPlugin.runs(dir.path("runs")) == 1)
        try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"), name: "Second")
        #expect(try list().contains("Second"))
        #expect(try list().contains("Second"))
        #expect(MarkerPlugin.runs(dir.path("runs")) == 2)
    }

    @Test("the old plugins/ folder is not read, not listed as a project, and the warning's command moves its plugins")
    func oldPluginFolder() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let marker = dir.path("runs")
        try MarkerPlugin.install("old", at: ws.appendingPathComponent("plugins/dubkit-provider-old"), marker: marker)
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments + ["--workspace", ws.path])
        }
        #expect(try dubkit(["project", "create", "demo"]).status == 0)

        let projects = try dubkit(["project", "list", "--json"])
        #expect(projects.status == 0, "\(projects.stderr)")
        let names = try #require(try JSONSerialization.jsonObject(with: Data(projects.stdout.utf8)) as? [[String: Any]]).map { $0["name"] as? String }
        #expect(names == ["demo"])
        #expect(projects.stderr.contains("dubkit-provider-old"))

        let providers = try dubkit(["provider", "list", "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(providers.stdout.utf8)) as? [[String: Any]]).map { $0["id"] as? String }
        #expect(!ids.contains("old"))
        let checked = try dubkit(["provider", "check", "old", "--json"])
        #expect(checked.status == 1)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(checked.stderr.utf8)) as? [String: Any])["error"] as? [String: Any]
        #expect(error?["code"] as? String == "old_plugin_folder")
        let hint = try #require(error?["hint"] as? String)
        #expect(try dubkit(["project", "create", "plugins"]).stderr.contains("dubkit-provider-old"))
        #expect(MarkerPlugin.runs(marker) == 0, "a plugin in the old folder was run")

        // The hint's command, run as given, moves the plugin to where it is found and run.
        let command = try #require(hint.split(separator: "`").dropFirst().first.map(String.init))
        let moved = try ChildProcess.run("/bin/sh", ["-c", command])
        #expect(moved.status == 0, "\(command): \(moved.stderr)")
        let checkedAgain = try dubkit(["provider", "check", "old"])
        #expect(checkedAgain.status == 0, "\(checkedAgain.stderr)")
        #expect(MarkerPlugin.runs(marker) == 1)
        #expect(try dubkit(["project", "list"]).stderr.isEmpty)
    }

    @Test("a project named plugins can be created and dubbed in; earlier providers' state moves out of its way")
    func projectNamedPlugins() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        try Fixtures.installExamplePlugin(into: ws)
        // What an earlier DubKit left: a provider's job record under plugins/.state.
        let oldJob = ws.appendingPathComponent("plugins/.state/local/job-1.json")
        try FileManager.default.createDirectory(at: oldJob.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"job\": 1}".utf8).write(to: oldJob)
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments + ["--workspace", ws.path])
        }

        let created = try dubkit(["project", "create", "plugins"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try String(contentsOf: ws.appendingPathComponent(".dubkit/state/local/job-1.json"), encoding: .utf8) == "{\"job\": 1}")
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("plugins/project.sqlite").path))

        try Fixtures.tone(dir.path("in.wav"), frequency: 300)
        #expect(try dubkit(["dub", "create", "--project", "plugins", "--voice", "soxpitch:low", "--file", dir.path("in.wav").path]).status == 0)
        let ran = try dubkit(["dub", "run", "--project", "plugins", "--all", "--json"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done")

        let listed = try dubkit(["project", "list", "--json"])
        let projects = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(projects.map { $0["name"] as? String } == ["plugins"])
        #expect(projects.first?["dubs"] as? Int == 1)
        #expect(try dubkit(["provider", "list"]).stdout.contains("soxpitch"))
    }
}
