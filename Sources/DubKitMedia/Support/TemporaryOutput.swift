import Foundation

/// A hidden file beside the final output: written first, renamed into place only when complete.
///
/// Its name says which process writes it (``OwnedTemporary``), and making one first removes the
/// partial outputs that killed processes left in the same folder.
struct TemporaryOutput {
    let final: URL
    let temporary: URL

    init(for final: URL) {
        self.final = final
        let folder = final.deletingLastPathComponent()
        OwnedTemporary.sweep(folder, requireOwner: true) { $0.hasPrefix(".") && $0.hasSuffix(".partial") }
        temporary = folder.appendingPathComponent(OwnedTemporary.name(".\(final.lastPathComponent)", suffix: ".partial"))
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
