import DubKit
import Foundation

/// The presigned upload URLs VoiceDub hands out when a dub or a voice is created, kept as files in the
/// workspace's state folder so a run interrupted before its upload can still upload (the API has no
/// way to ask for them again). They hold signatures for one object each, never the API key.
struct VoiceDubUploadURLs: Sendable {
    /// What is kept for one dub or voice.
    struct Entry: Codable, Sendable {
        var urls: [String]
        /// For voices: which dataset file (by file name, the media hash) went to which URL.
        var assigned: [String: Int] = [:]
    }

    let folder: URL

    private func url(_ kind: String, _ id: String) -> URL {
        folder.appendingPathComponent("\(kind)-\(id).json", isDirectory: false)
    }

    func load(_ kind: String, _ id: String) -> Entry? {
        guard let data = try? Data(contentsOf: url(kind, id)) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    /// Removes what is kept for a dub or voice that needs it no more (a missing file is fine).
    func forget(_ kind: String, _ id: String) {
        unlink(url(kind, id).path)
    }

    /// Writes the entry in one step (mode 0600, the folder 0700 when it is made). It is not flushed to
    /// the disk: it survives DubKit being killed, and only a power cut can lose it, as it can lose the
    /// store's last commits (WAL, synchronous NORMAL) that name the job; losing it costs nothing paid,
    /// since the upload comes before generating, and a file lost that way reads as missing (an
    /// `uploadURLMissing` error saying to create the dub again).
    func save(_ entry: Entry, _ kind: String, _ id: String) throws(VoiceDubError) {
        let file = url(kind, id)
        do {
            try AtomicFile.write(JSONEncoder().encode(entry), to: file, mode: 0o600, folderMode: 0o700, flush: false)
        } catch {
            throw .invalidValue(field: "state file", value: file.path, allowed: "a writable file (\(error.localizedDescription))")
        }
    }
}
