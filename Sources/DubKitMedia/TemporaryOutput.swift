import Foundation

/// A hidden file beside the final output: written first, renamed into place only when complete.
struct TemporaryOutput {
    let final: URL
    let temporary: URL

    init(for final: URL) {
        self.final = final
        let name = ".\(final.lastPathComponent).\(UUID().uuidString.prefix(8)).partial"
        temporary = final.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Moves the finished file to its final name (atomically replacing any old file).
    func commit() throws {
        if rename(temporary.path, final.path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw MediaError.writeFailed(path: final.path, detail: reason)
        }
    }

    /// Removes the temporary file, if any.
    func discard() {
        try? FileManager.default.removeItem(at: temporary)
    }
}
