import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rule that decides whether an external plugin may be run, as ssh (StrictModes) and git judge
/// the files they trust: the plugin, with symbolic links resolved, must be a regular file, and it and
/// every folder above it up to its root must be owned by root or by the user running DubKit and be
/// writable by no one else. Otherwise another user could put code there that DubKit would run as you.
///
/// The root is the workspace for plugins in `<workspace>/.plugins`, and `/` for plugins on PATH. A
/// plugin that is a link is judged by its target, whose folders are checked up to the root when the
/// target is inside it and up to `/` when it is not; the folder holding the link is checked as well.
public struct PluginTrust: Sendable {
    /// The user DubKit runs as; a plugin and its folders may belong to this user or to root.
    public let userID: UInt32

    /// A rule for `userID` (by default the effective user of this process).
    public init(userID: UInt32 = UInt32(geteuid())) {
        self.userID = userID
    }

    /// Checks the plugin at `executable` (found by its name, maybe a link), whose folders are checked up
    /// to and including `root`. Returns the resolved file to run, with its identity at the time of the check.
    public func check(_ executable: URL, root: URL) throws(PluginRefusal) -> PluginFile {
        let found = executable.path
        func refuse(_ path: String, _ reason: PluginRefusal.Reason, target: String? = nil) -> PluginRefusal {
            PluginRefusal(plugin: found, target: target, path: path, reason: reason)
        }
        let resolvedRoot = try Self.resolve(root.path, plugin: found)
        let folder = try Self.resolve(executable.deletingLastPathComponent().path, plugin: found)
        let resolved = try Self.resolve(found, plugin: found)
        let target = resolved == (folder as NSString).appendingPathComponent(executable.lastPathComponent) ? nil : resolved

        var info = stat()
        guard stat(resolved, &info) == 0 else {
            throw refuse(resolved, .unreadable(String(cString: strerror(errno))), target: target)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw refuse(resolved, .notRegularFile, target: target) }
        if let reason = judge(info) { throw refuse(resolved, reason, target: target) }

        let targetBound = Self.isInside(resolved, resolvedRoot) ? resolvedRoot : "/"
        var checked = Set<String>()
        for path in Self.chain(from: (resolved as NSString).deletingLastPathComponent, upTo: targetBound)
            + Self.chain(from: folder, upTo: Self.isInside(folder, resolvedRoot) ? resolvedRoot : "/")
        where checked.insert(path).inserted {
            var folderInfo = stat()
            guard stat(path, &folderInfo) == 0 else {
                throw refuse(path, .unreadable(String(cString: strerror(errno))), target: target)
            }
            if let reason = judge(folderInfo) { throw refuse(path, reason, target: target) }
        }
        return PluginFile(path: resolved, status: info)
    }

    /// What is wrong with a file or folder's owner or mode, if anything.
    func judge(_ info: stat) -> PluginRefusal.Reason? {
        let owner = UInt32(info.st_uid)
        if owner != 0 && owner != userID { return .ownedBy(uid: owner) }
        switch (info.st_mode & S_IWGRP != 0, info.st_mode & S_IWOTH != 0) {
        case (true, true): return .groupAndWorldWritable
        case (true, false): return .groupWritable
        case (false, true): return .worldWritable
        case (false, false): return nil
        }
    }

    /// `path` with every symbolic link resolved, or a refusal naming it when it cannot be resolved.
    static func resolve(_ path: String, plugin: String) throws(PluginRefusal) -> String {
        guard let resolved = realpath(path, nil) else {
            throw PluginRefusal(plugin: plugin, target: nil, path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when `path` is `folder` or lies under it.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// `start` and each folder above it, up to and including `bound` (which must contain `start`).
    static func chain(from start: String, upTo bound: String) -> [String] {
        var folders: [String] = []
        var current = start
        while true {
            folders.append(current)
            if current == bound || current == "/" || current.isEmpty { return folders }
            current = (current as NSString).deletingLastPathComponent
        }
    }
}
