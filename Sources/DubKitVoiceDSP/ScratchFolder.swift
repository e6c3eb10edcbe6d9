import Foundation

/// A temporary folder removed when released.
final class ScratchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dubkit-local-\(UUID().uuidString)", isDirectory: true)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw LocalEngineError.unwritableOutput(file: url.path, reason: error.localizedDescription)
        }
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
