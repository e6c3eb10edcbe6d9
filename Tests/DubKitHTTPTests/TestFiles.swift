import Crypto
import DubKitTestSupport
import Foundation

/// Helpers for large test files and their hashes.
enum TestFiles {
    /// Writes `megabytes` MiB of varied bytes to `url` one MiB at a time; returns their SHA-256.
    static func writeFile(_ url: URL, megabytes: Int) throws -> String {
        var base = [UInt8](repeating: 0, count: 1 << 20)
        var generator = SystemRandomNumberGenerator()
        for index in stride(from: 0, to: base.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes in
                for (offset, byte) in bytes.enumerated() where index + offset < base.count { base[index + offset] = byte }
            }
        }
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        for chunk in 0..<megabytes {
            withUnsafeBytes(of: UInt64(chunk)) { bytes in
                for (offset, byte) in bytes.enumerated() { base[offset] = byte }
            }
            let data = Data(base)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of a file, read one MiB at a time.
    static func hash(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { hasher.update(data: data) }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of bytes in memory.
    static func hash(of data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The SHA-256 of a received multipart part, read piece by piece.
    static func hash(of part: MultipartFormPart) -> String {
        var hasher = SHA256()
        part.forEachChunk { hasher.update(data: $0) }
        return hex(hasher.finalize())
    }

    private static func hex<Digest: Sequence>(_ digest: Digest) -> String where Digest.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
