import Foundation

/// The providers DubKit can use: adapters compiled in, and external plugins found at run time.
///
/// A plugin is an executable named `dubkit-provider-<id>` in `<workspace>/plugins/` or in a folder on
/// PATH (the workspace's first). A compiled-in adapter wins over a plugin of the same id.
public struct ProviderRegistry: Sendable {
    /// The file-name prefix of external plugins.
    public static let pluginPrefix = "dubkit-provider-"

    /// An external plugin found on disk, not yet started.
    public struct PluginCandidate: Sendable, Hashable {
        public var id: String
        public var executable: URL
    }

    private let builtIn: [String: any Provider]
    private let searchFolders: [URL]
    private let stateRoot: URL?
    private let environment: [String: String]
    private let credentials: Credentials
    /// Seconds a plugin may take to answer one request.
    public let pluginTimeout: Double

    public init(builtIn: [any Provider], workspace: Workspace?, pluginTimeout: Double = 60,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        credentials = Credentials(environment: environment)
        self.builtIn = Dictionary(builtIn.map { ($0.descriptor.id, $0) }, uniquingKeysWith: { first, _ in first })
        var folders: [URL] = []
        if let workspace { folders.append(workspace.root.appendingPathComponent("plugins", isDirectory: true)) }
        stateRoot = workspace?.root.appendingPathComponent("plugins/.state", isDirectory: true)
        for entry in (environment["PATH"] ?? "").split(separator: ":") where !entry.isEmpty {
            folders.append(URL(fileURLWithPath: String(entry), isDirectory: true))
        }
        searchFolders = folders
        self.environment = environment
        self.pluginTimeout = pluginTimeout
    }

    /// The ids of the compiled-in adapters.
    public var builtInIDs: [String] { builtIn.keys.sorted() }

    /// External plugins on disk, the first of each id in search order, skipping ids of built-ins.
    public func plugins() -> [PluginCandidate] {
        var found: [String: PluginCandidate] = [:]
        let fm = FileManager.default
        for folder in searchFolders {
            guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names.sorted() where name.hasPrefix(Self.pluginPrefix) {
                let id = String(name.dropFirst(Self.pluginPrefix.count))
                let url = folder.appendingPathComponent(name)
                guard !id.isEmpty, builtIn[id] == nil, found[id] == nil, fm.isExecutableFile(atPath: url.path) else { continue }
                found[id] = PluginCandidate(id: id, executable: url)
            }
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The provider with this id: a built-in, or a plugin started and described.
    public func provider(_ id: String) async throws -> any Provider {
        if let provider = builtIn[id] { return provider }
        guard let candidate = plugins().first(where: { $0.id == id }) else {
            throw ProviderError.unknownProvider(id: id, known: builtInIDs + plugins().map(\.id))
        }
        let environment = try pluginEnvironment(id)
        let plugin = try await PluginProvider.launch(candidate.executable, expectedID: id, timeout: pluginTimeout, environment: environment)
        // A key saved with `provider login` reaches the plugin the same way as one exported by the user:
        // in its own variable. The plugin is started again with it, since its variable's name is known
        // only once it has described itself.
        guard let variable = plugin.descriptor.keyVariable, environment[variable]?.isEmpty != false,
              try credentials.source(for: plugin.descriptor) == .file
        else { return plugin }
        var withKey = environment
        withKey[variable] = try credentials.key(for: plugin.descriptor)
        return try await PluginProvider.launch(candidate.executable, expectedID: id, timeout: pluginTimeout, environment: withKey)
    }

    /// The environment a plugin starts with: the user's, plus `DUBKIT_PLUGIN_STATE_DIR`, a folder of the
    /// workspace the plugin may keep its jobs in, so they outlive one DubKit process.
    private func pluginEnvironment(_ id: String) throws -> [String: String] {
        var environment = environment
        if let stateRoot {
            let folder = stateRoot.appendingPathComponent(id, isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw ProviderError.pluginCrashed(path: folder.path, detail: "its state folder cannot be made: \(error.localizedDescription)")
            }
            environment["DUBKIT_PLUGIN_STATE_DIR"] = folder.path
        }
        return environment
    }

    /// Every provider's descriptor, or why a plugin could not describe itself.
    public func describeAll() async -> [(id: String, result: Result<ProviderDescriptor, ProviderError>)] {
        var entries: [(id: String, result: Result<ProviderDescriptor, ProviderError>)] = builtIn.values
            .map { ($0.descriptor.id, .success($0.descriptor)) }
        for candidate in plugins() {
            do {
                let plugin = try await PluginProvider.launch(
                    candidate.executable, expectedID: candidate.id, timeout: min(pluginTimeout, 10),
                    environment: try pluginEnvironment(candidate.id))
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
