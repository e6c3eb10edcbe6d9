import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// A workspace with one marker plugin in `.plugins`, and a `tools` folder beside it for link targets.
private struct TrustSetup {
    let dir: TemporaryDirectory
    var workspace: URL { dir.path("ws") }
    var plugins: URL { workspace.appendingPathComponent(".plugins") }
    var plugin: URL { plugins.appendingPathComponent("dubkit-provider-probe") }
    var marker: URL { dir.path("runs") }

    init() throws {
        dir = try TemporaryDirectory()
        try MarkerPlugin.install("probe", at: plugin, marker: marker)
    }

    func chmod(_ url: URL, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    func chown(_ url: URL, _ uid: Int) throws {
        try FileManager.default.setAttributes([.ownerAccountID: uid], ofItemAtPath: url.path)
    }

    /// Replaces the plugin with a link to `target`, a marker plugin written there.
    func link(to target: URL) throws {
        try FileManager.default.removeItem(at: plugin)
        try MarkerPlugin.install("probe", at: target, marker: marker)
        try FileManager.default.createSymbolicLink(at: plugin, withDestinationURL: target)
    }

    func check(userID: UInt32 = UInt32(geteuid())) throws(PluginRefusal) -> PluginFile {
        try PluginTrust(userID: userID).check(plugin, root: workspace)
    }
}

private let runningAsRoot = geteuid() == 0

@Suite("Plugin trust")
struct PluginTrustTests {
    @Test("a plugin owned by root or you, in folders no one else may write, is accepted with the file's identity")
    func acceptsSafePlugin() throws {
        let setup = try TrustSetup()
        let file = try setup.check()
        var info = stat()
        #expect(stat(setup.plugin.path, &info) == 0)
        #expect(file.path == setup.plugin.resolvingSymlinksInPath().path)
        #expect(file.inode == UInt64(info.st_ino) && file.size == Int64(info.st_size))
        #expect(MarkerPlugin.runs(setup.marker) == 0, "checking runs nothing")
    }

    @Test("a writable file or folder is refused, naming the path, the reason and the fix",
          arguments: [("file", 0o775, "group-writable"), ("file", 0o757, "world-writable"), ("file", 0o777, "group- and world-writable"),
                      (".plugins", 0o775, "group-writable"), (".plugins", 0o777, "group- and world-writable"),
                      ("workspace", 0o757, "world-writable")])
    func refusesWritable(what: String, mode: Int, reason: String) throws {
        let setup = try TrustSetup()
        let path = switch what {
        case "file": setup.plugin
        case ".plugins": setup.plugins
        default: setup.workspace
        }
        try setup.chmod(path, mode)
        #expect {
            _ = try setup.check()
        } throws: { error in
            guard let refusal = error as? PluginRefusal else { return false }
            return refusal.path == path.path && refusal.reasonText == reason && refusal.target == nil
                && refusal.plugin == setup.plugin.path && refusal.fix.contains("chmod go-w '\(path.path)'")
                && refusal.localizedDescription.contains(reason)
        }
    }

    @Test("a file or folder owned by another user is refused; owned by the user running DubKit it is accepted",
          .enabled(if: runningAsRoot, "giving a file to another user needs root"),
          arguments: ["file", ".plugins"])
    func refusesOtherOwner(what: String) throws {
        let setup = try TrustSetup()
        let path = what == "file" ? setup.plugin : setup.plugins
        try setup.chown(path, 1001)
        #expect(throws: PluginRefusal(plugin: setup.plugin.path, target: nil, path: path.path, reason: .ownedBy(uid: 1001))) {
            try setup.check()
        }
        #expect(PluginRefusal(plugin: "p", target: nil, path: path.path, reason: .ownedBy(uid: 1001)).reasonText == "owned by uid 1001")
        // The same files are fine for user 1001 itself.
        #expect(try setup.check(userID: 1001).path == setup.plugin.path)
    }

    @Test("a link is judged by its target: a writable target is refused and named, a safe one inside the workspace is run")
    func linksAreResolved() throws {
        let setup = try TrustSetup()
        let target = setup.workspace.appendingPathComponent("tools/probe.py")
        try setup.link(to: target)
        #expect(try setup.check().path == target.resolvingSymlinksInPath().path)
        try setup.chmod(target, 0o777)
        #expect(throws: PluginRefusal(plugin: setup.plugin.path, target: target.path, path: target.path,
                                      reason: .groupAndWorldWritable)) {
            try setup.check()
        }
        try setup.chmod(target, 0o755)
        try setup.chmod(target.deletingLastPathComponent(), 0o775)
        #expect(throws: PluginRefusal(plugin: setup.plugin.path, target: target.path,
                                      path: target.deletingLastPathComponent().path, reason: .groupWritable)) {
            try setup.check()
        }
    }

    @Test("a link out of the workspace has its target's folders checked up to /, as a plugin on PATH")
    func linkOutOfWorkspace() throws {
        let setup = try TrustSetup()
        let open = setup.dir.path("open")
        let target = open.appendingPathComponent("bin/probe.py")
        try setup.link(to: target)
        try setup.chmod(open, 0o777)
        #expect(throws: PluginRefusal(plugin: setup.plugin.path, target: target.path, path: open.path,
                                      reason: .groupAndWorldWritable)) {
            try setup.check()
        }
    }

    @Test("a plugin on PATH has its folder and every folder above it checked up to /")
    func pathFoldersUpToRoot() async throws {
        let dir = try TemporaryDirectory()
        let open = dir.path("shared")
        let plugin = open.appendingPathComponent("bin/dubkit-provider-probe")
        try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"))
        try FileManager.default.setAttributes([.posixPermissions: 0o1757], ofItemAtPath: open.path)
        let registry = ProviderRegistry(builtIn: [], workspace: nil, environment: ["PATH": plugin.deletingLastPathComponent().path])
        let candidate = try #require(registry.plugins().first)
        #expect(candidate.id == "probe")
        #expect(throws: PluginRefusal(plugin: plugin.path, target: nil, path: open.path, reason: .worldWritable)) {
            try candidate.trust.get()
        }
        await #expect(throws: ProviderError.untrustedPlugin(PluginRefusal(plugin: plugin.path, target: nil, path: open.path,
                                                                           reason: .worldWritable))) {
            try await registry.provider("probe")
        }
        #expect(MarkerPlugin.runs(dir.path("runs")) == 0)
    }
}
