import Foundation

/// API keys: from the provider's environment variable, else from a config file kept at mode 0600.
///
/// Keys are never written to the project store or to logs; the file is refused when others can read it.
public struct Credentials: Sendable {
    /// Where a provider's key comes from, for `provider list` (never the key itself).
    public enum Source: String, Sendable, Codable {
        case environment, file, missing, notNeeded
    }

    /// The credentials file.
    public let file: URL
    private let environment: [String: String]

    /// Uses `$DUBKIT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/dubkit`, else `~/.config/dubkit`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        let folder: URL
        if let dir = environment["DUBKIT_CONFIG_DIR"], !dir.isEmpty {
            folder = URL(fileURLWithPath: dir, isDirectory: true)
        } else if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            folder = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("dubkit", isDirectory: true)
        } else {
            folder = FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".config/dubkit", isDirectory: true)
        }
        file = folder.appendingPathComponent("credentials.json")
    }

    /// The key for a provider, or ``ProviderError/missingKey(provider:variable:)``.
    public func key(for descriptor: ProviderDescriptor) throws(ProviderError) -> String {
        guard let variable = descriptor.keyVariable else { return "" }
        if let value = environment[variable], !value.isEmpty { return value }
        if let saved = try saved()[descriptor.id] { return saved }
        throw .missingKey(provider: descriptor.id, variable: variable)
    }

    /// Where the provider's key would come from.
    public func source(for descriptor: ProviderDescriptor) throws(ProviderError) -> Source {
        guard let variable = descriptor.keyVariable else { return .notNeeded }
        if environment[variable]?.isEmpty == false { return .environment }
        return try saved()[descriptor.id] == nil ? .missing : .file
    }

    /// Saves a key for a provider, creating the file with mode 0600 (and its folder 0700).
    public func save(key: String, for provider: String) throws(ProviderError) {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw .credentials(path: file.path, detail: "the key given for \(provider) is empty")
        }
        var all = try saved()
        all[provider] = trimmed
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(["keys": all])
            let temp = folder.appendingPathComponent(".credentials-\(UUID().uuidString)")
            let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ProviderError.credentials(path: temp.path, detail: String(cString: strerror(errno))) }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temp.path, file.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temp)
                throw ProviderError.credentials(path: file.path, detail: reason)
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw .credentials(path: file.path, detail: error.localizedDescription)
        }
    }

    /// The saved keys by provider id; refuses a file that group or others can read.
    private func saved() throws(ProviderError) -> [String: String] {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return [:] }
        if info.st_mode & 0o077 != 0 {
            throw .credentials(path: file.path, detail: String(format: "mode %o lets other users read it; refusing to use it", info.st_mode & 0o777))
        }
        do {
            let data = try Data(contentsOf: file)
            return try JSONDecoder().decode([String: [String: String]].self, from: data)["keys"] ?? [:]
        } catch {
            throw .credentials(path: file.path, detail: "unreadable (\(error.localizedDescription))")
        }
    }
}
