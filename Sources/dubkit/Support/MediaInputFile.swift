import DubKit
import Foundation

/// A media command's input: a local file as given, or a link fetched first. With `--project` the
/// download is kept in that project's media store (by hash, fetched once per content); without it,
/// it goes to a temporary folder that is removed when the command ends, so nothing is left behind.
struct MediaInputFile {
    /// The local file to read.
    let url: URL
    /// What the link delivered, when the input was a link.
    let downloaded: DownloadedLink?
    /// The project the download was stored in, if any.
    let project: String?
    private let temporaryFolder: URL?

    /// Resolves `input`: an existing path, or anything with a scheme (refused unless http/https).
    static func resolve(_ input: String, project: String?, global: GlobalOptions,
                        download: DownloadOptions) async throws -> MediaInputFile {
        guard MediaLink.scheme(of: input) != nil, !FileManager.default.fileExists(atPath: input) else {
            return MediaInputFile(url: URL(fileURLWithPath: input), downloaded: nil, project: nil, temporaryFolder: nil)
        }
        let link = try MediaLink(input)
        let media: MediaStore
        var temporary: URL?
        if let project {
            media = try global.open(project).media
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dubkit-link-\(UUID().uuidString)")
            temporary = folder
            media = MediaStore(folder: folder)
        }
        let progress = ByteProgress("downloading", json: global.json)
        global.log("downloading \(link) into \(media.folder.path)")
        do {
            let downloaded = try await download.downloader(progress: progress.callback).download(link, into: media)
            progress.finish()
            global.log("downloaded \(downloaded.ref.byteCount) bytes, sha256 \(downloaded.ref.hash)")
            return MediaInputFile(url: media.url(for: downloaded.ref.hash), downloaded: downloaded, project: project,
                                  temporaryFolder: temporary)
        } catch {
            progress.finish()
            if let temporary { try? FileManager.default.removeItem(at: temporary) }
            throw error
        }
    }

    /// Removes the temporary download, if there is one.
    func cleanUp() {
        if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) }
    }
}
