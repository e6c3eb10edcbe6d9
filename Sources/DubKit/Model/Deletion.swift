import Foundation

/// What a delete removed (`dub delete`, `voice delete`, `dataset delete`, `project delete`), and what
/// it kept because other records still use it or because it is the record of money spent.
public struct Deletion: Sendable, Codable, Hashable {
    /// The kind of record deleted.
    public var entity: EntityKind
    /// Its id (nil for a project).
    public var id: Int64?
    /// Its name: the voice's `PROVIDER:NAME`, the dataset's or the project's name (nil for a dub).
    public var name: String?
    /// The chunks deleted with a dub cut into chunks.
    public var chunks: [Int64]
    /// The number of recordings deleted with a dataset.
    public var files: Int
    /// The media files removed from `media/`: no other record used them.
    public var mediaRemoved: [String]
    /// The media files the record used that stay: another record still uses them.
    public var mediaKept: [String]
    /// Bytes freed on disk.
    public var bytesFreed: Int64
    /// Ledger entries of paid calls kept (their dub or voice now null): the record of money spent.
    public var paidCallsKept: Int
    /// Credits the deleted records had used, which the project's spending and budget go on counting.
    public var creditsKept: Int64
    /// Exports that had this dub as a track: their records stay (the file is the user's), without this dub.
    public var exportsUnlinked: [Int64]

    public init(entity: EntityKind, id: Int64? = nil, name: String? = nil, chunks: [Int64] = [], files: Int = 0,
                mediaRemoved: [String] = [], mediaKept: [String] = [], bytesFreed: Int64 = 0, paidCallsKept: Int = 0,
                creditsKept: Int64 = 0, exportsUnlinked: [Int64] = []) {
        self.entity = entity
        self.id = id
        self.name = name
        self.chunks = chunks
        self.files = files
        self.mediaRemoved = mediaRemoved
        self.mediaKept = mediaKept
        self.bytesFreed = bytesFreed
        self.paidCallsKept = paidCallsKept
        self.creditsKept = creditsKept
        self.exportsUnlinked = exportsUnlinked
    }

    /// One line for people: `deleted dub 3 (2 chunks); removed 3 media files (1.2 MB), kept 1 in use`.
    public var summary: String {
        var subject = "\(entity.rawValue) " + (name ?? id.map(String.init) ?? "?")
        if !chunks.isEmpty { subject += " (\(chunks.count) chunk\(chunks.count == 1 ? "" : "s"))" }
        if files > 0 { subject += " (\(files) recording\(files == 1 ? "" : "s"))" }
        var parts = ["deleted \(subject)"]
        if !mediaRemoved.isEmpty || !mediaKept.isEmpty {
            let freed = ByteCountFormatter.string(fromByteCount: bytesFreed, countStyle: .file)
            parts.append("removed \(mediaRemoved.count) media file\(mediaRemoved.count == 1 ? "" : "s") (\(freed))"
                         + (mediaKept.isEmpty ? "" : ", kept \(mediaKept.count) another record uses"))
        }
        if creditsKept > 0 { parts.append("the \(creditsKept) credits it used stay counted against the budget") }
        if paidCallsKept > 0 { parts.append("\(paidCallsKept) paid call\(paidCallsKept == 1 ? "" : "s") kept in the ledger") }
        if !exportsUnlinked.isEmpty {
            parts.append("export\(exportsUnlinked.count == 1 ? "" : "s") \(exportsUnlinked.map(String.init).joined(separator: ", ")) kept without it")
        }
        return parts.joined(separator: "; ")
    }
}
