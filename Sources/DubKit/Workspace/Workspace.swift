import Foundation

/// The folder that holds one sub-folder per project (`projects/` by default).
public struct Workspace: Sendable {
    /// The environment variable that names the workspace when `--workspace` is not given.
    public static let environmentVariable = "DUBKIT_WORKSPACE"

    /// The workspace folder.
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// `explicit` (from `--workspace`) wins, then `DUBKIT_WORKSPACE`, then `projects/` in the current folder.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> Workspace {
        let chosen = [explicit, environment[environmentVariable]].compactMap { $0 }.first { !$0.isEmpty }
        guard let chosen else {
            return Workspace(root: currentDirectory.appendingPathComponent("projects", isDirectory: true))
        }
        let expanded = (chosen as NSString).expandingTildeInPath
        let base = URL(fileURLWithPath: currentDirectory.path, isDirectory: true)
        return Workspace(root: URL(fileURLWithPath: expanded, isDirectory: true, relativeTo: base))
    }

    /// The folder of the named project (validated, so always directly inside the workspace).
    public func folder(for name: ProjectName) -> URL {
        root.appendingPathComponent(name.rawValue, isDirectory: true)
    }

    /// Creates a project: its folder, store, `media/` and `exports/`. Built under a hidden staging
    /// name and renamed into place, so a crash never leaves a half-made project under its name.
    public func createProject(_ text: String) throws(DubKitError) -> ProjectStore {
        let name = try ProjectName(text)
        let target = folder(for: name)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .workspaceUnavailable(path: root.path, reason: error.localizedDescription)
        }
        if isOldPluginFolder(name.rawValue) {
            // Earlier versions kept plugins and providers' state there: move the state away, and take
            // the name once nothing is left.
            try moveOldProviderState()
            if let problem = oldPluginFolderProblem() { throw problem }
        }
        if fm.fileExists(atPath: target.path) { throw .projectExists(name: name.rawValue, workspace: root.path) }
        let staging = root.appendingPathComponent(".creating-\(UUID().uuidString)", isDirectory: true)
        defer { try? fm.removeItem(at: staging) }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw .workspaceUnavailable(path: root.path, reason: error.localizedDescription)
        }
        _ = try ProjectStore.create(folder: staging, name: name.rawValue)
        if rename(staging.path, target.path) != 0 {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY {
                throw .projectExists(name: name.rawValue, workspace: root.path)
            }
            throw .workspaceUnavailable(path: target.path, reason: String(cString: strerror(code)))
        }
        return try ProjectStore.open(folder: target, name: name.rawValue)
    }

    /// Opens an existing project.
    public func openProject(_ text: String) throws(DubKitError) -> ProjectStore {
        let name = try ProjectName(text)
        let target = folder(for: name)
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw .projectNotFound(name: name.rawValue, workspace: root.path)
        }
        return try ProjectStore.open(folder: target, name: name.rawValue)
    }

    /// The names of the folders in the workspace that could be projects, sorted. Hidden folders (DubKit's
    /// own among them) and the old plugin folder (``isOldPluginFolder(_:)``) are skipped.
    public func projectNames() throws(DubKitError) -> [String] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.path) else { return [] }
        do {
            return try fm.contentsOfDirectory(at: root, includingPropertiesForKeys: [.isDirectoryKey])
                .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
                .map(\.lastPathComponent)
                .filter { !$0.hasPrefix(".") && !isOldPluginFolder($0) }
                .sorted()
        } catch {
            throw .workspaceUnavailable(path: root.path, reason: error.localizedDescription)
        }
    }

    /// Deletes a project and everything in its folder (store, media, exports). Refused with
    /// ``DubKitError/inUse(entity:key:project:usedBy:hint:)`` while a live runner holds one of its dubs or
    /// voices (a store that cannot be opened has none to check). The folder is first renamed to a hidden
    /// name, so an interrupted delete never leaves a half-deleted project visible.
    @discardableResult
    public func deleteProject(_ text: String) throws(DubKitError) -> Deletion {
        let name = try ProjectName(text)
        let target = folder(for: name)
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else {
            throw .projectNotFound(name: name.rawValue, workspace: root.path)
        }
        guard fm.fileExists(atPath: target.appendingPathComponent(ProjectStore.databaseName).path) else {
            throw .notAProject(path: target.path)
        }
        var media: [String] = []
        if let store = try? ProjectStore.open(folder: target, name: name.rawValue) {
            let held = try store.liveClaims()
            if !held.isEmpty {
                throw .inUse(entity: .project, key: name.rawValue, project: name.rawValue, usedBy: held,
                             hint: "wait for those runs to finish, or stop them (`dubkit dub cancel`), then delete it")
            }
            media = (try? store.mediaHashes()) ?? []
        }
        let bytes = Self.bytes(under: target)
        let doomed = root.appendingPathComponent(".deleting-\(UUID().uuidString)", isDirectory: true)
        guard rename(target.path, doomed.path) == 0 else {
            throw .workspaceUnavailable(path: target.path, reason: String(cString: strerror(errno)))
        }
        do {
            try fm.removeItem(at: doomed)
        } catch {
            throw .workspaceUnavailable(path: doomed.path, reason: "renamed but not fully removed: \(error.localizedDescription)")
        }
        return Deletion(entity: .project, name: name.rawValue, mediaRemoved: media, bytesFreed: bytes)
    }

    /// The bytes of the regular files under `folder`.
    private static func bytes(under folder: URL) -> Int64 {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else {
            return 0
        }
        var total: Int64 = 0
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += Int64(values?.fileSize ?? 0) }
        }
        return total
    }
}
