import Foundation

extension DubRunner {
    /// The local file a dub's audio comes from: its path, or for a link the file the link delivered,
    /// downloaded once and recorded on the dub (a rerun finds it in the media store and does not
    /// download again).
    func sourceFile(of dub: Dub, id: Int64) async throws -> URL {
        guard dub.sourceKind == .link else { return URL(fileURLWithPath: dub.source) }
        if let hash = dub.linkMediaHash, store.media.contains(hash) {
            report("dub \(id): using the link's stored download \(hash.prefix(12)), not downloading again")
            return store.media.url(for: hash)
        }
        let link = try MediaLink(dub.source)
        report("dub \(id): downloading \(link)")
        let downloaded = try await links.download(link, into: store.media)
        try store.recordLinkDownload(downloaded, dub: id)
        report("dub \(id): downloaded \(downloaded.ref.byteCount) bytes, sha256 \(downloaded.ref.hash)")
        return store.media.url(for: downloaded.ref.hash)
    }
}
