import Crypto
import Foundation

/// The SHA-256 of a file computed from the chunks written to it during a download, so the file need
/// not be read again; it restarts when the download starts the file over, and gives up (nil) if a
/// chunk arrives at an offset that does not follow the ones before (a download continued from bytes
/// an earlier run wrote: the file is then hashed when it is stored).
final class StreamingDigest: @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()
    private var count: Int64 = 0
    private var broken = false

    /// Takes one written chunk and the file offset it was written at.
    func add(_ chunk: UnsafeRawBufferPointer, at offset: Int64) {
        lock.withLock {
            if offset == 0 && (count > 0 || broken) {
                hasher = SHA256()
                count = 0
                broken = false
            }
            guard !broken, offset == count else {
                broken = true
                return
            }
            hasher.update(bufferPointer: chunk)
            count += Int64(chunk.count)
        }
    }

    /// The digest and length of everything taken, or nil when the chunks did not form one file.
    func finish() -> (hash: String, byteCount: Int64)? {
        lock.withLock {
            guard !broken else { return nil }
            return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), count)
        }
    }
}
