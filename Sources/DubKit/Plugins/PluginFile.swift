import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plugin executable that ``PluginTrust`` accepted: the file to run (symbolic links resolved) and
/// the identity it had when it was checked. Two values are equal only when they are the same file
/// unchanged, so a description cached under one is reused only for that exact file.
public struct PluginFile: Sendable, Hashable, Codable {
    /// The file's path with every symbolic link resolved: what is run.
    public var path: String
    /// The device and inode that hold it.
    public var device: UInt64
    public var inode: UInt64
    /// Its length in bytes.
    public var size: Int64
    /// Its last change of content, and of content or attributes (mode, owner, links), in nanoseconds
    /// since 1970; `changed` cannot be set back by anyone, so a replaced file never looks unchanged.
    public var modifiedNanoseconds: Int64
    public var changedNanoseconds: Int64

    /// The file to run.
    public var url: URL { URL(fileURLWithPath: path) }

    /// The identity of the resolved file at `path` from its `stat` record.
    init(path: String, status info: stat) {
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        let (modified, changed) = (info.st_mtimespec, info.st_ctimespec)
        #else
        let (modified, changed) = (info.st_mtim, info.st_ctim)
        #endif
        modifiedNanoseconds = Int64(modified.tv_sec) * 1_000_000_000 + Int64(modified.tv_nsec)
        changedNanoseconds = Int64(changed.tv_sec) * 1_000_000_000 + Int64(changed.tv_nsec)
    }
}
