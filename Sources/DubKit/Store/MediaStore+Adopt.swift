import Crypto
import Foundation

extension MediaStore {
    /// Takes a finished file that already sits in ``incoming`` (a download), hashes it (unless
    /// `digest` gives the SHA-256 and size already computed from its bytes as they were written) and
    /// renames it under its hash, without copying; the file is gone from its temporary name afterwards.
    /// With `flush`, its bytes reach the disk before it is named, as ``write(_:)`` does for what it stores.
    public func adopt(_ file: URL, digest: (hash: String, byteCount: Int64)? = nil, flush: Bool = false) throws(DubKitError) -> MediaRef {
        do {
            let (hash, count) = try digest.map { ($0.hash, $0.byteCount) } ?? Self.sha256(of: file)
            let target = url(for: hash)
            // The same content stored before was flushed then: this copy is removed unflushed.
            if flush && access(target.path, F_OK) != 0 { try Self.flush(file) }
            try Self.moveIntoPlace(file, as: target)
            return MediaRef(hash: hash, byteCount: count)
        } catch let error as DubKitError {
            throw error
        } catch {
            throw .mediaIO(path: file.path, reason: error.localizedDescription)
        }
    }

    /// The SHA-256 and size of a file, read in 64 KiB blocks.
    static func sha256(of file: URL) throws -> (String, Int64) {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DubKitError.mediaIO(path: file.path, reason: "cannot be opened for reading (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var count: Int64 = 0
        // 64 KiB: a fresh 1 MiB buffer per file was mapped, zeroed and faulted in for a few pages of audio.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw DubKitError.mediaIO(path: file.path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            count += Int64(got)
        }
        return (hex(hasher.finalize()), count)
    }

    private static func flush(_ file: URL) throws {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw DubKitError.mediaIO(path: file.path, reason: reason)
        }
        close(descriptor)
    }
}
