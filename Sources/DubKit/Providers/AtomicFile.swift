import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small files written in one step with plain system calls, for the records adapters keep between
/// runs: the bytes go to a new temporary file beside the target (created with the final mode), are
/// flushed to the disk, and the file is renamed over the target, so a reader finds the old file or
/// the new one whole, never part of one, even after a crash. Foundation's `.atomic` writing does the
/// same with more calls (a temporary name searched for, the folder checked and the mode set after).
public enum AtomicFile {
    /// Writes `data` to `file`; the folder is made, with `folderMode`, when it is missing. Throws an
    /// error naming the path and the system's reason. With `flush` false the bytes are not forced to
    /// the disk before the rename: the file still survives the process being killed (the kernel holds
    /// it), but a power cut may lose it, which suits records as durable as the project store itself
    /// (SQLite in WAL mode, synchronous NORMAL) and cheap to lose.
    public static func write(_ data: Data, to file: URL, mode: mode_t = 0o644, folderMode: Int = 0o755,
                             flush: Bool = true) throws {
        let folder = file.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp", isDirectory: false)
        var descriptor = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor < 0 && errno == ENOENT {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: folderMode])
            descriptor = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        }
        guard descriptor >= 0 else { throw failure(temp.path) }
        guard writeAll(data, to: descriptor), !flush || fsync(descriptor) == 0 else {
            let error = failure(temp.path)
            close(descriptor)
            unlink(temp.path)
            throw error
        }
        close(descriptor)
        guard rename(temp.path, file.path) == 0 else {
            let error = failure(file.path)
            unlink(temp.path)
            throw error
        }
    }

    private static func failure(_ path: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno),
                userInfo: [NSLocalizedDescriptionKey: "\(path): \(String(cString: strerror(errno)))"])
    }
}

/// Writes all of `data` to `descriptor`; false (with `errno` set) when the system refuses.
private func writeAll(_ data: Data, to descriptor: Int32) -> Bool {
    data.withUnsafeBytes { bytes -> Bool in
        guard let base = bytes.baseAddress else { return true }
        var written = 0
        while written < bytes.count {
            let count = write(descriptor, base + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += count
        }
        return true
    }
}
