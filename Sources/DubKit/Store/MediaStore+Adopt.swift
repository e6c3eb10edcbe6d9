import Crypto
import Foundation

extension MediaStore {
    /// Takes a finished file that already sits in ``incoming`` (a download), hashes it (unless
    /// `digest` gives the SHA-256 and size already computed from its bytes as they were written) and
    /// renames it under its hash, without copying; the file is gone from its temporary name afterwards.
    public func adopt(_ file: URL, digest: (hash: String, byteCount: Int64)? = nil) throws(DubKitError) -> MediaRef {
        do {
            let (hash, count) = try digest ?? Self.sha256(of: file)
            let target = url(for: hash)
            if FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.removeItem(at: file)
            } else {
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(file.path, target.path) == 0 else {
                    throw DubKitError.mediaIO(path: target.path, reason: String(cString: strerror(errno)))
                }
            }
            return MediaRef(hash: hash, byteCount: count)
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .mediaIO(path: file.path, reason: error.localizedDescription)
        }
    }

    /// The SHA-256 and size of a file, read in 1 MiB blocks.
    static func sha256(of file: URL) throws -> (String, Int64) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var count: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            count += Int64(chunk.count)
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), count)
    }
}
