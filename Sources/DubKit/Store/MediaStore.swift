import Crypto
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

    /// The path a stored file with this hash has (whether or not it exists).
    public func url(for hash: String) -> URL {
        folder.appendingPathComponent(String(hash.prefix(2)), isDirectory: true).appendingPathComponent(hash)
    }

    /// True when a file with this hash is stored.
    public func contains(_ hash: String) -> Bool {
        Self.isHash(hash) && FileManager.default.fileExists(atPath: url(for: hash).path)
    }

    /// Copies a file into the store, streaming, and returns its reference.
    public func put(contentsOf source: URL) throws(DubKitError) -> MediaRef {
        guard let input = InputStream(url: source) else {
            throw .mediaIO(path: source.path, reason: "cannot be opened for reading")
        }
        input.open()
        defer { input.close() }
        return try write { sink in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = input.read(&buffer, maxLength: buffer.count)
                if count < 0 {
                    throw DubKitError.mediaIO(
                        path: source.path, reason: input.streamError?.localizedDescription ?? "read failed")
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
        let temp = incoming.appendingPathComponent(UUID().uuidString)
        do {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
                throw DubKitError.mediaIO(path: temp.path, reason: "cannot be created")
            }
            let handle = try FileHandle(forWritingTo: temp)
            var hasher = SHA256()
            var count: Int64 = 0
            do {
                try produce { chunk in
                    hasher.update(data: chunk)
                    try handle.write(contentsOf: chunk)
                    count += Int64(chunk.count)
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            let target = url(for: hash)
            if FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.removeItem(at: temp)
            } else {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(temp.path, target.path) == 0 else {
                    throw DubKitError.mediaIO(path: target.path, reason: String(cString: strerror(errno)))
                }
            }
            return MediaRef(hash: hash, byteCount: count)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            if let error = error as? DubKitError { throw error }
            throw .mediaIO(path: temp.path, reason: error.localizedDescription)
        }
    }

    /// Records a stored file in the store's `media` table (idempotent), inside the caller's transaction.
    public static func register(_ ref: MediaRef, in db: Database, now: Date = Date()) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO media (hash, byte_count, created_at) VALUES (?, ?, ?)",
            arguments: [ref.hash, ref.byteCount, now])
    }

    static func isHash(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
