import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("Plugin descriptions cached by file identity")
struct PluginDescriptionCacheTests {
    @Test("listing describes a plugin once; an unchanged file is not run again; a changed one is described again")
    func describedOnce() async throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        let plugin = workspace.pluginFolder.appendingPathComponent("dubkit-provider-probe")
        let marker = dir.path("runs")
        try MarkerPlugin.install("probe", at: plugin, marker: marker, name: "Probe one")
        let registry = ProviderRegistry(builtIn: [], workspace: workspace, environment: ["PATH": "/usr/bin:/bin"])

        func names() async -> [String] {
            await registry.describeAll().map { entry in (try? entry.result.get().name) ?? "failed" }
        }
        #expect(await names() == ["Probe one"])
        #expect(MarkerPlugin.runs(marker) == 1)
        #expect(await names() == ["Probe one"])
        #expect(await names() == ["Probe one"])
        #expect(MarkerPlugin.runs(marker) == 1, "an unchanged plugin is described from the cache")

        // A new version of the plugin, even of the same length, is run again and its new answer shown.
        try MarkerPlugin.install("probe", at: plugin, marker: marker, name: "Probe two")
        #expect(await names() == ["Probe two"])
        #expect(MarkerPlugin.runs(marker) == 2)
        #expect(await names() == ["Probe two"])
        #expect(MarkerPlugin.runs(marker) == 2)

        // Using the plugin runs it (it must answer), and what it said is kept for the next listing.
        try MarkerPlugin.install("probe", at: plugin, marker: marker, name: "Probe three")
        #expect(try await registry.provider("probe").descriptor.name == "Probe three")
        #expect(MarkerPlugin.runs(marker) == 3)
        #expect(await names() == ["Probe three"])
        #expect(MarkerPlugin.runs(marker) == 3)
        // The cache lives in DubKit's own folder of the workspace, not in a project's namespace.
        #expect(FileManager.default.fileExists(atPath: workspace.pluginDescriptionFolder.appendingPathComponent("probe.json").path))
        #expect(try workspace.projectNames().isEmpty)
    }

    @Test("a cache entry is used only for the exact file: another file, or another id, is described anew")
    func exactIdentity() throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        let plugin = workspace.pluginFolder.appendingPathComponent("dubkit-provider-probe")
        try MarkerPlugin.install("probe", at: plugin, marker: dir.path("runs"))
        let file = try PluginTrust().check(plugin, root: workspace.root)
        let cache = PluginDescriptionCache(folder: workspace.pluginDescriptionFolder)
        let descriptor = ProviderDescriptor(id: "probe", name: "Probe", capabilities: [.convert])
        cache.store(descriptor, id: "probe", file: file)
        #expect(cache.descriptor(id: "probe", file: file) == descriptor)
        #expect(cache.descriptor(id: "other", file: file) == nil)
        for change in [\PluginFile.inode, \PluginFile.device] {
            var other = file
            other[keyPath: change] += 1
            #expect(cache.descriptor(id: "probe", file: other) == nil)
        }
        for change in [\PluginFile.size, \PluginFile.modifiedNanoseconds, \PluginFile.changedNanoseconds] {
            var other = file
            other[keyPath: change] += 1
            #expect(cache.descriptor(id: "probe", file: other) == nil)
        }
    }
}
