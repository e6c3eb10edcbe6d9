import Foundation

/// Fetches the media a web page shows with `yt-dlp`, when that program is on PATH.
struct PageMediaFetcher: Sendable {
    /// The environment `yt-dlp` is looked up in (PATH) and run with.
    var environment: [String: String]
    /// The largest file accepted, passed on as `--max-filesize`.
    var maxBytes: Int64

    /// The `yt-dlp` executable on PATH, or nil.
    var executable: URL? {
        let path = environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("yt-dlp")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs `yt-dlp` for `link` into the empty folder `folder` and returns the file it wrote.
    func fetch(_ link: MediaLink, into folder: URL, executable: URL) async throws -> URL {
        let process = Process()
        process.executableURL = executable
        process.environment = environment
        process.arguments = [
            "--no-playlist", "--no-progress", "--no-warnings", "--quiet", "--no-part",
            "--max-filesize", String(maxBytes), "-f", "bestaudio/best",
            "-o", folder.appendingPathComponent("media.%(ext)s").path, "--", link.url.absoluteString,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let status: Int32
        let message: String
        do {
            (status, message) = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    Thread.detachNewThread {
                        do {
                            try process.run()
                            let text = errors.fileHandleForReading.readDataToEndOfFile()
                            process.waitUntilExit()
                            continuation.resume(returning: (process.terminationStatus, String(decoding: text, as: UTF8.self)))
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                }
            } onCancel: {
                if process.isRunning { process.terminate() }
            }
        } catch {
            throw LinkError.ytDlpFailed(link: link.description, detail: "it could not be started: \(error.localizedDescription)")
        }
        try Task.checkCancellation()
        let written = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.fileSizeKey]))?
            .filter { !$0.lastPathComponent.hasSuffix(".part") && !$0.lastPathComponent.hasSuffix(".ytdl") } ?? []
        let detail = message.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " ")
        guard status == 0, let file = written.max(by: { Self.size($0) < Self.size($1) }) else {
            throw LinkError.ytDlpFailed(
                link: link.description,
                detail: status == 0 ? "it wrote no file" : "exit status \(status)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return file
    }

    private static func size(_ url: URL) -> Int64 {
        Int64((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
    }
}
