import Foundation
import GRDB

extension ProjectStore {
    /// Records what a link dub's link delivered, in one transaction: the stored file in `media`, its
    /// SHA-256 on the dub, and a note in the dub's log naming the link, the hash and the size.
    @discardableResult
    public func recordLinkDownload(_ downloaded: DownloadedLink, dub id: Int64) throws(DubKitError) -> Dub {
        try write { db in
            guard var dub = try Dub.fetchOne(db, key: id) else {
                throw DubKitError.notFound(entity: .dub, key: String(id), project: name)
            }
            try MediaStore.register(downloaded.ref, in: db)
            dub.linkMediaHash = downloaded.ref.hash
            dub.updatedAt = Date()
            try dub.update(db)
            let via = downloaded.method == .ytDlp ? " with yt-dlp" : ""
            var event = Event(entity: .dub, entityID: id, kind: .note,
                              message: "downloaded \(downloaded.link)\(via): \(downloaded.ref.byteCount) bytes, sha256 \(downloaded.ref.hash)")
            try event.insert(db)
            return dub
        }
    }
}
