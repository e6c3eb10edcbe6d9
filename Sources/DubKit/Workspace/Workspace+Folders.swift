import Foundation

/// The folders DubKit keeps in a workspace beside the projects. Their names start with '.', which no
/// project name may (``ProjectName``), so they never clash with a project and are never listed as one.
extension Workspace {
    /// The folder of external plugins, `<workspace>/.plugins`.
    public static let pluginFolderName = ".plugins"
    /// DubKit's own data, `<workspace>/.dubkit`: providers' job state and plugins' cached descriptions.
    public static let dataFolderName = ".dubkit"
    /// Where plugins were kept before: `<workspace>/plugins`, a name a project may have. DubKit no
    /// longer reads plugins there; it says so when it finds some.
    public static let oldPluginFolderName = "plugins"

    /// The folder of external plugins.
    public var pluginFolder: URL { root.appendingPathComponent(Self.pluginFolderName, isDirectory: true) }

    /// DubKit's own data folder.
    public var dataFolder: URL { root.appendingPathComponent(Self.dataFolderName, isDirectory: true) }

    /// The folder of providers' job state, one sub-folder per provider: `<workspace>/.dubkit/state`.
    public var providerStateRoot: URL { dataFolder.appendingPathComponent("state", isDirectory: true) }

    /// The folder where provider `id` (an adapter or a plugin) keeps its jobs between runs.
    public func providerStateFolder(_ id: String) -> URL {
        providerStateRoot.appendingPathComponent(id, isDirectory: true)
    }

    /// The folder of plugins' cached descriptions (``PluginDescriptionCache``).
    public var pluginDescriptionFolder: URL {
        dataFolder.appendingPathComponent("plugin-descriptions", isDirectory: true)
    }

    /// The old plugin folder, `<workspace>/plugins`.
    public var oldPluginFolder: URL { root.appendingPathComponent(Self.oldPluginFolderName, isDirectory: true) }

    /// True when the workspace folder `name` is the old plugin folder rather than a project: it is
    /// named `plugins` and holds no project store.
    public func isOldPluginFolder(_ name: String) -> Bool {
        name == Self.oldPluginFolderName
            && !FileManager.default.fileExists(atPath: oldPluginFolder.appendingPathComponent(ProjectStore.databaseName).path)
    }

    /// The `dubkit-provider-*` files left in the old plugin folder, which DubKit does not run.
    public func pluginsInOldFolder() -> [URL] {
        guard isOldPluginFolder(Self.oldPluginFolderName),
              let names = try? FileManager.default.contentsOfDirectory(atPath: oldPluginFolder.path)
        else { return [] }
        return names.filter { $0.hasPrefix(ProviderRegistry.pluginPrefix) }.sorted()
            .map { oldPluginFolder.appendingPathComponent($0, isDirectory: false) }
    }

    /// The error that says the old plugin folder still holds plugins, with the command that moves
    /// them; nil when it holds none.
    public func oldPluginFolderProblem() -> DubKitError? {
        let plugins = pluginsInOldFolder()
        guard !plugins.isEmpty else { return nil }
        return .oldPluginFolder(path: oldPluginFolder.path, plugins: plugins.map(\.lastPathComponent), pluginFolder: pluginFolder.path)
    }

    /// Moves the providers' job state that earlier versions kept in `<workspace>/plugins/.state` to
    /// ``providerStateRoot``, so dubs in flight continue, and removes the old folder when
    /// nothing else is left in it. Returns the folder that was moved, or nil when there was none (or
    /// the new one already exists, which is left as it is).
    @discardableResult
    public func moveOldProviderState() throws(DubKitError) -> URL? {
        guard isOldPluginFolder(Self.oldPluginFolderName) else { return nil }
        let fm = FileManager.default
        let old = oldPluginFolder.appendingPathComponent(".state", isDirectory: true)
        let new = providerStateRoot
        var moved: URL?
        if fm.fileExists(atPath: old.path) && !fm.fileExists(atPath: new.path) {
            do {
                try fm.createDirectory(at: dataFolder, withIntermediateDirectories: true)
            } catch {
                throw .workspaceUnavailable(path: dataFolder.path, reason: error.localizedDescription)
            }
            if rename(old.path, new.path) == 0 {
                moved = old
            } else if ![ENOENT, EEXIST, ENOTEMPTY].contains(errno) {
                // Another run moving it at the same moment is not a failure.
                throw .workspaceUnavailable(path: old.path, reason: "cannot be moved to \(new.path): \(String(cString: strerror(errno)))")
            }
        }
        // rmdir removes only an empty folder: one that still holds plugins or anything else stays.
        _ = rmdir(oldPluginFolder.path)
        return moved
    }
}
