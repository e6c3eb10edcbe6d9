import Crypto
import DubKitMedia
import Foundation
import GRDB

/// A stored media file, named by the SHA-256 of its bytes.
public struct MediaRef: Sendable, Hashable, Codable {
    /// Lower-case hex SHA-256 of the content.
    public let hash: String
    /// Size in bytes.
    public let byteCount: Int64
}

/// The project's content-addressed media files: `media/<first two hex digits>/<sha256>`.
///
/// Files are written to a temporary name in `media/.incoming/`, flushed, then renamed into place, so
/// a crash never leaves a partial file under a hash name; the same content is stored once.
public struct MediaStore: Sendable {
    /// The `media/` folder.
    public let folder: URL

    /// A store in `folder` (a project's `media/`, or a temporary folder for work outside a project).
    public init(folder: URL) {
        self.folder = folder
    }

    /// Where files are written before they are named by their hash: `media/.incoming/`.
    public var incoming: URL { folder.appendingPathComponent(".incoming", isDirectory: true) }

    /// A new name in ``incoming`` for a file being written, saying which process writes it
    /// (`label~HOST~PID~RANDOM` + `suffix`, see ``OwnedTemporary``).
    public func temporaryFile(_ label: String, suffix: String = "") -> URL {
        incoming.appendingPathComponent(OwnedTemporary.name(label, suffix: suffix), isDirectory: false)
    }

    /// Removes what killed processes left in ``incoming``: files of processes gone from this host,
    /// and anything older than ``OwnedTemporary/abandonedAge``; a live process's files stay.
    @discardableResult
    public func sweepIncoming() -> [URL] {
        OwnedTemporary.sweep(incoming, requireOwner: false)
    }

    /// The path a stored file with this hash has (whether or not it exists).
    public func url(for hash: String) -> URL {
        folder.appendingPathComponent(String(hash.prefix(2)), isDirectory: true).appendingPathComponent(hash, isDirectory: false)
    }

    /// True when a file with this hash is stored.
    public func contains(_ hash: String) -> Bool {
        Self.isHash(hash) && FileManager.default.fileExists(atPath: url(for: hash).path)
    }

    /// Copies a file into the store, streaming, and returns its reference.
    public func put(contentsOf source: URL) throws(DubKitError) -> MediaRef {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw .mediaIO(path: source.path, reason: "cannot be opened for reading")
        }
        defer { close(input) }
        return try write { sink in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw DubKitError.mediaIO(path: source.path, reason: String(cString: strerror(errno)))
                }
                if count == 0 { break }
                try sink(buffer[0..<count])
            }
        }
    }

    /// Stores bytes held in memory.
    public func put(_ data: Data) throws(DubKitError) -> MediaRef {
        try write { sink in try sink(ArraySlice(data)) }
    }

    /// Stores what `produce` writes through the sink it is given, hashing as it goes.
    public func write(_ produce: (_ sink: (ArraySlice<UInt8>) throws -> Void) throws -> Void) throws(DubKitError) -> MediaRef {
        let temp = temporaryFile("store")
        do {
            // Plain system calls: Foundation's file creation writes a temporary file and renames it,
            // which cost more than storing a short recording.
            let descriptor = try Self.create(temp, in: incoming)
            var hasher = SHA256()
            var count: Int64 = 0
            do {
                try produce { chunk in
                    hasher.update(data: chunk)
                    try FileDescriptorIO.writeAll(chunk, to: descriptor, path: temp.path)
                    count += Int64(chunk.count)
                }
            } catch {
                close(descriptor)
                throw error
            }
            let hash = Self.hex(hasher.finalize())
            let target = url(for: hash)
            // The same content stored before was flushed then: this copy is dropped unflushed.
            if access(target.path, F_OK) == 0 {
                close(descriptor)
                unlink(temp.path)
                return MediaRef(hash: hash, byteCount: count)
            }
            guard fsync(descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw DubKitError.mediaIO(path: temp.path, reason: reason)
            }
            close(descriptor)
            try Self.moveIntoPlace(temp, as: target)
            return MediaRef(hash: hash, byteCount: count)
        } catch {
            unlink(temp.path)
            if let error = error as? DubKitError { throw error }
            throw .mediaIO(path: temp.path, reason: error.localizedDescription)
        }
    }

    /// Creates `file` (which must not exist) for writing, making `folder` first when it is missing.
    static func create(_ file: URL, in folder: URL) throws -> Int32 {
        var descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor < 0 && errno == ENOENT {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard descriptor >= 0 else {
            throw DubKitError.mediaIO(path: file.path, reason: "cannot be created (\(String(cString: strerror(errno))))")
        }
        return descriptor
    }

    /// Names a finished file in ``incoming`` by its hash: renamed into place, or removed when the same
    /// content is stored already.
    static func moveIntoPlace(_ file: URL, as target: URL) throws {
        if access(target.path, F_OK) == 0 {
            unlink(file.path)
            return
        }
        var renamed = rename(file.path, target.path)
        if renamed != 0 && errno == ENOENT {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            renamed = rename(file.path, target.path)
        }
        guard renamed == 0 else {
            throw DubKitError.mediaIO(path: target.path, reason: String(cString: strerror(errno)))
        }
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Records a stored file in the store's `media` table (idempotent), inside the caller's transaction.
    public static func register(_ ref: MediaRef, in db: Database, now: Date = Date()) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO media (hash, byte_count, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [ref.hash, ref.byteCount, UTCDateText.storeValue(now)])
    }

    static func isHash(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// Writing a buffer to a file descriptor in full.
private enum FileDescriptorIO {
    static func writeAll(_ chunk: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws {
        var done = 0
        while done < chunk.count {
            let written = chunk.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return write(descriptor, base + done, bytes.count - done)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw DubKitError.mediaIO(path: path, reason: String(cString: strerror(errno)))
            }
            done += written
        }
    }
}
