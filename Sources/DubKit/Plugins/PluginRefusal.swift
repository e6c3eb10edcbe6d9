import Foundation

/// Why ``PluginTrust`` will not run a plugin: the plugin as found, the file or folder that fails the
/// rule, and what is wrong with it. Its message says what to do.
public struct PluginRefusal: Error, Sendable, Hashable {
    /// What is wrong with ``path``.
    public enum Reason: Sendable, Hashable {
        /// Users of its group may change it.
        case groupWritable
        /// Every user may change it.
        case worldWritable
        /// Users of its group and every user may change it.
        case groupAndWorldWritable
        /// Owned by someone who is neither root nor the user running DubKit.
        case ownedBy(uid: UInt32)
        /// The plugin is not a regular file (a folder, a device, a pipe).
        case notRegularFile
        /// Its id (the name after `dubkit-provider-`) is not a plain name.
        case unusableName
        /// It cannot be looked at (the system's reason).
        case unreadable(String)
    }

    /// The plugin as it was found: `<folder>/dubkit-provider-<id>`.
    public var plugin: String
    /// The file the plugin resolves to, when it is a symbolic link.
    public var target: String?
    /// The file or folder that breaks the rule.
    public var path: String
    public var reason: Reason

    public init(plugin: String, target: String?, path: String, reason: Reason) {
        self.plugin = plugin
        self.target = target
        self.path = path
        self.reason = reason
    }

    /// The reason in a few words: "group-writable", "owned by uid 1001".
    public var reasonText: String {
        switch reason {
        case .groupWritable: "group-writable"
        case .worldWritable: "world-writable"
        case .groupAndWorldWritable: "group- and world-writable"
        case let .ownedBy(uid): "owned by uid \(uid)"
        case .notRegularFile: "not a regular file"
        case .unusableName: "not named dubkit-provider-<id> with a plain id (letters, digits, '-', '_', '.', not starting with '.')"
        case let .unreadable(detail): "unreadable (\(detail))"
        }
    }

    /// What to do about it, as a command where there is one.
    public var fix: String {
        let quoted = ShellWord.quoted(path)
        switch reason {
        case .groupWritable, .worldWritable, .groupAndWorldWritable:
            return "if you trust it, run `chmod go-w \(quoted)`"
        case .ownedBy:
            return "if you trust it, run `chown \(geteuid()) \(quoted)` as root (or `chown root`), or remove it"
        case .notRegularFile:
            return "remove it, or put the plugin's executable file in its place"
        case .unusableName:
            return "rename it to dubkit-provider-<id> with a plain id"
        case .unreadable:
            return "check that it exists and that you may read it"
        }
    }
}

extension PluginRefusal: LocalizedError {
    public var errorDescription: String? {
        let what = target.map { "plugin \(plugin) (a link to \($0))" } ?? "plugin \(plugin)"
        let subject = path == (target ?? plugin) ? "it is" : "\(path) is"
        return "\(what) is not run: \(subject) \(reasonText)"
    }

    public var recoverySuggestion: String? { fix }
}
