import Foundation

/// The providers DubKit can use: adapters compiled in, and external plugins found at run time.
///
/// A plugin is an executable named `dubkit-provider-<id>` in `<workspace>/.plugins/` or in a folder on
/// PATH (the workspace's first). A compiled-in adapter wins over a plugin of the same id. A plugin is
/// run only when ``PluginTrust`` accepts it; one it refuses is still found, and says why.
public struct ProviderRegistry: Sendable {
    /// The file-name prefix of external plugins.
    public static let pluginPrefix = "dubkit-provider-"

    /// An external plugin found on disk, not yet started.
    public struct PluginCandidate: Sendable, Hashable {
        public var id: String
        /// The plugin as found (maybe a symbolic link).
        public var executable: URL
        /// The checked file to run, or why it must not be run.
        public var trust: Result<PluginFile, PluginRefusal>
    }

    /// A folder searched for plugins, and the folder up to which its plugins' folders are checked.
    private struct SearchFolder: Sendable {
        var folder: URL
        var root: URL
    }

    private let builtIn: [String: any Provider]
    private let searchFolders: [SearchFolder]
    private let workspace: Workspace?
    private let descriptions: PluginDescriptionCache?
    private let trust = PluginTrust()
    private let environment: [String: String]
    private let credentials: Credentials
    /// Seconds a plugin may take to answer one request.
    public let pluginTimeout: Double

    public init(builtIn: [any Provider], workspace: Workspace?, pluginTimeout: Double = 60,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        credentials = Credentials(environment: environment)
        self.builtIn = Dictionary(builtIn.map { ($0.descriptor.id, $0) }, uniquingKeysWith: { first, _ in first })
        var folders: [SearchFolder] = []
        // The workspace's plugins are checked up to the workspace folder: whoever may write there may
        // replace `.plugins` itself. Those on PATH are checked up to `/`, as ssh checks its files.
        if let workspace { folders.append(SearchFolder(folder: workspace.pluginFolder, root: workspace.root)) }
        for entry in (environment["PATH"] ?? "").split(separator: ":") where !entry.isEmpty {
            folders.append(SearchFolder(folder: URL(fileURLWithPath: String(entry), isDirectory: true), root: URL(fileURLWithPath: "/")))
        }
        searchFolders = folders
        self.workspace = workspace
        descriptions = workspace.map { PluginDescriptionCache(folder: $0.pluginDescriptionFolder) }
        self.environment = environment
        self.pluginTimeout = pluginTimeout
    }

    /// The ids of the compiled-in adapters.
    public var builtInIDs: [String] { builtIn.keys.sorted() }

    /// What the compiled-in adapters offer, by id (no plugin is run).
    public var builtInDescriptors: [ProviderDescriptor] { builtIn.keys.sorted().compactMap { builtIn[$0]?.descriptor } }

    /// External plugins on disk, the first of each id in search order, skipping ids of built-ins, each
    /// checked by ``PluginTrust`` (nothing is run).
    public func plugins() -> [PluginCandidate] {
        var found: [String: PluginCandidate] = [:]
        let fm = FileManager.default
        for search in searchFolders {
            guard let names = try? fm.contentsOfDirectory(atPath: search.folder.path) else { continue }
            for name in names.sorted() where name.hasPrefix(Self.pluginPrefix) {
                let id = String(name.dropFirst(Self.pluginPrefix.count))
                let url = search.folder.appendingPathComponent(name)
                guard !id.isEmpty, builtIn[id] == nil, found[id] == nil, fm.isExecutableFile(atPath: url.path) else { continue }
                let trust: Result<PluginFile, PluginRefusal>
                if (try? ProjectName(id)) == nil {
                    // The id names its state folder and prefixes voice references: it must be a plain name.
                    trust = .failure(PluginRefusal(plugin: url.path, target: nil, path: url.path, reason: .unusableName))
                } else {
                    trust = Result { () throws(PluginRefusal) in try self.trust.check(url, root: search.root) }
                }
                found[id] = PluginCandidate(id: id, executable: url, trust: trust)
            }
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The provider with this id: a built-in, or a plugin that ``PluginTrust`` accepts, started and described.
    public func provider(_ id: String) async throws -> any Provider {
        if let provider = builtIn[id] { return provider }
        let candidates = plugins()
        guard let candidate = candidates.first(where: { $0.id == id }) else {
            if let old = workspace?.oldPluginFolderProblem(),
               case let .oldPluginFolder(_, plugins, _) = old, plugins.contains(Self.pluginPrefix + id) {
                throw old
            }
            throw ProviderError.unknownProvider(id: id, known: builtInIDs + candidates.map(\.id))
        }
        let file: PluginFile
        switch candidate.trust {
        case let .success(checked): file = checked
        case let .failure(refusal): throw ProviderError.untrustedPlugin(refusal)
        }
        let environment = try pluginEnvironment(id)
        let plugin = try await PluginProvider.launch(file.url, expectedID: id, timeout: pluginTimeout, environment: environment)
        descriptions?.store(plugin.descriptor, id: id, file: file)
        // A key saved with `provider login` reaches the plugin the same way as one exported by the user:
        // in its own variable. The plugin is started again with it, since its variable's name is known
        // only once it has described itself.
        guard let variable = plugin.descriptor.keyVariable, environment[variable]?.isEmpty != false,
              try credentials.source(for: plugin.descriptor) == .file
        else { return plugin }
        var withKey = environment
        withKey[variable] = try credentials.key(for: plugin.descriptor)
        return try await PluginProvider.launch(file.url, expectedID: id, timeout: pluginTimeout, environment: withKey)
    }

    /// The environment a plugin starts with: the user's, plus `DUBKIT_PLUGIN_STATE_DIR`, a folder of the
    /// workspace the plugin may keep its jobs in, so they outlive one DubKit process.
    private func pluginEnvironment(_ id: String) throws -> [String: String] {
        var environment = environment
        if let workspace {
            let folder = workspace.providerStateFolder(id)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw ProviderError.pluginCrashed(path: folder.path, detail: "its state folder cannot be made: \(error.localizedDescription)")
            }
            environment["DUBKIT_PLUGIN_STATE_DIR"] = folder.path
        }
        return environment
    }

    /// Every provider's descriptor, or why a plugin could not describe itself or is not run. A plugin
    /// whose file is unchanged since it last described itself is not run again (``PluginDescriptionCache``);
    /// one ``PluginTrust`` refuses is never run.
    public func describeAll() async -> [(id: String, result: Result<ProviderDescriptor, ProviderError>)] {
        var entries: [(id: String, result: Result<ProviderDescriptor, ProviderError>)] = builtIn.values
            .map { ($0.descriptor.id, .success($0.descriptor)) }
        for candidate in plugins() {
            let file: PluginFile
            switch candidate.trust {
            case let .success(checked): file = checked
            case let .failure(refusal):
                entries.append((candidate.id, .failure(.untrustedPlugin(refusal))))
                continue
            }
            if let cached = descriptions?.descriptor(id: candidate.id, file: file) {
                entries.append((candidate.id, .success(cached)))
                continue
            }
            do {
                let plugin = try await PluginProvider.launch(
                    file.url, expectedID: candidate.id, timeout: min(pluginTimeout, 10),
                    environment: try pluginEnvironment(candidate.id))
                descriptions?.store(plugin.descriptor, id: candidate.id, file: file)
                entries.append((candidate.id, .success(plugin.descriptor)))
            } catch let error as ProviderError {
                entries.append((candidate.id, .failure(error)))
            } catch {
                entries.append((candidate.id, .failure(.pluginCrashed(path: candidate.executable.path, detail: "\(error)"))))
            }
        }
        return entries.sorted { $0.id < $1.id }
    }
}
