import Foundation

/// Names for in-flight files that say which process made them, and the one rule for removing those a
/// killed process left behind.
///
/// A temporary's name carries `~HOST~PID~RANDOM`: the host's name, the process id and 8 random hex
/// digits. Several processes may work on one project or output folder at once, so a sweep removes an
/// entry only when its owner is certainly gone: it was made on this host by a process that no longer
/// exists (`kill(pid, 0)` fails with `ESRCH`), or it is older than ``abandonedAge``, whoever made it
/// (a process on another host sharing the folder, or an older DubKit whose names carry no owner).
/// A live process's files, on this host or another, are never touched.
public enum OwnedTemporary {
    /// The age after which any temporary is taken as abandoned: longer than any single write lasts.
    public static let abandonedAge: TimeInterval = 24 * 3600

    /// This host's name as temporaries carry it: letters, digits, '.' and '-' only, at most 64.
    public static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let kept = String(raw.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-")
                ? Character(scalar) : "-"
        }.prefix(64))
        return kept.isEmpty ? "localhost" : kept
    }()

    /// A name for a new temporary: `label~HOST~PID~RANDOM` followed by `suffix` (e.g. ".wav").
    public static func name(_ label: String, suffix: String = "") -> String {
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(label)~\(host)~\(getpid())~\(String(repeating: "0", count: 8 - random.count))\(random)\(suffix)"
    }

    /// The host and process id a temporary's name carries, or nil for a name made otherwise.
    public static func owner(of name: String) -> (host: String, pid: Int32)? {
        let parts = name.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count >= 4, let pid = Int32(parts[parts.count - 2]), pid > 0 else { return nil }
        let random = parts[parts.count - 1].prefix(8)
        guard random.count == 8, random.allSatisfy(\.isHexDigit), !parts[parts.count - 3].isEmpty else { return nil }
        return (String(parts[parts.count - 3]), pid)
    }

    /// Whether the temporary named `name`, last changed at `modified`, is abandoned by the rule above.
    /// With `requireOwner` (a folder shared with other programs: the temporary folder, a user's output
    /// folder), a name without an owner is never taken.
    public static func isAbandoned(name: String, modified: Date, now: Date = Date(), requireOwner: Bool) -> Bool {
        let owner = owner(of: name)
        if owner == nil && requireOwner { return false }
        if now.timeIntervalSince(modified) > abandonedAge { return true }
        guard let owner, owner.host == host, owner.pid != getpid() else { return false }
        // EPERM: it exists under another user; only ESRCH says it is gone.
        return kill(owner.pid, 0) != 0 && errno == ESRCH
    }

    /// Removes from `folder` the abandoned temporaries whose names `matching` accepts (files or folders,
    /// whole); returns what it removed. It never fails: what cannot be read or removed is left as it is.
    @discardableResult
    public static func sweep(_ folder: URL, requireOwner: Bool, now: Date = Date(),
                             matching: (String) -> Bool = { _ in true }) -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed: [URL] = []
        for name in names where matching(name) && (!requireOwner || name.contains("~")) {
            let url = folder.appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  isAbandoned(name: name, modified: modified, now: now, requireOwner: requireOwner)
            else { continue }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url) }
        }
        return removed
    }

    /// Sweeps the system's temporary folder (`TMPDIR`) of what DubKit's own temporaries there (names
    /// starting `dubkit-`, or `.dubkit-` for a partial output) a killed process left.
    @discardableResult
    public static func sweepTemporaryFolder() -> [URL] {
        sweep(FileManager.default.temporaryDirectory, requireOwner: true) { $0.hasPrefix("dubkit-") || $0.hasPrefix(".dubkit-") }
    }
}
