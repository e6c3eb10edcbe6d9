import Crypto
import DubKitHTTP
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A download's file that outlives a failed run, named for what it downloads (a link, a job's result),
/// so the next run continues from the bytes on disk (``HTTPClient/download(_:to:retry:maxBytes:continuing:progress:observe:)``
/// with `continuing`). This run holds an advisory lock on it while it is open; when another process
/// holds it, this run gets a file of its own (`<name>-<uuid>.part`) that no later run continues.
public final class PartialDownload {
    /// Where the bytes go.
    public let url: URL
    /// False when another process was downloading the same thing and this run has a file of its own.
    public let isShared: Bool
    private let descriptor: Int32

    /// Opens (making it when missing) `<name>.part` in `folder`, locked for this process.
    public init(folder: URL, name: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let shared = folder.appendingPathComponent("\(name).part", isDirectory: false)
        if let locked = try Self.lock(shared) {
            url = shared
            isShared = true
            descriptor = locked
        } else {
            url = folder.appendingPathComponent("\(name)-\(UUID().uuidString.lowercased()).part", isDirectory: false)
            descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            isShared = false
        }
    }

    /// An open, locked descriptor of `file`, or nil when another process holds it. The lock is taken on
    /// the file the path names once locked (one removed or renamed meanwhile is opened again).
    private static func lock(_ file: URL) throws -> Int32? {
        while true {
            let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                return nil
            }
            var held = stat()
            var named = stat()
            if fstat(descriptor, &held) == 0, stat(file.path, &named) == 0,
               held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                return descriptor
            }
            close(descriptor)
        }
    }

    /// The part file's name for a link: `link-` and the start of the SHA-256 of its full address
    /// (the same link, signature included, continues the same file).
    public static func name(forLink url: URL) -> String {
        let digest = SHA256.hash(data: Data(url.absoluteString.utf8))
        return "link-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    deinit {
        close(descriptor)
        if !isShared { discard() }
    }

    /// Bytes on disk now.
    public var bytes: Int64 {
        var info = stat()
        return stat(url.path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// True when a later run can continue this file: it has bytes, and the version they belong to is recorded.
    public var canContinue: Bool {
        isShared && bytes > 0 && FileManager.default.fileExists(atPath: HTTPClient.resumeRecord(for: url).path)
    }

    /// Removes the kept part `<name>.part` in `folder` and its resume record, when a download is no
    /// longer wanted (the job it belonged to is done or gone).
    public static func remove(folder: URL, name: String) {
        let file = folder.appendingPathComponent("\(name).part", isDirectory: false)
        unlink(file.path)
        unlink(HTTPClient.resumeRecord(for: file).path)
    }

    /// Removes the file and its resume record, unless the file was moved away (stored) and the name is
    /// now another run's.
    public func discard() {
        var held = stat()
        var named = stat()
        guard fstat(descriptor, &held) == 0, stat(url.path, &named) == 0,
              held.st_ino == named.st_ino, held.st_dev == named.st_dev else { return }
        unlink(url.path)
        unlink(HTTPClient.resumeRecord(for: url).path)
    }
}
