import DubKitHTTP
import Foundation
import GRDB

/// One piece of audio or video converted into another voice by one provider.
public struct Dub: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "dub"

    /// Where the dub's input comes from.
    public enum SourceKind: String, Codable, Sendable, CaseIterable, StoredEnum {
        /// A local file path.
        case file
        /// An http(s) link to media or a video page.
        case link
    }

    /// The allowed pitch shift, in semitones (``ParameterCatalogue/pitchShift``).
    public static let pitchShiftRange = ParameterCatalogue.pitchShift.range

    public internal(set) var id: Int64?
    /// The provider that converts it (`local`, `voicedub`, …).
    public var providerID: String
    /// The provider's voice id (a catalog id, or the provider id of a custom voice).
    public var voiceRef: String
    /// The project's custom voice, when the dub uses one.
    public var voiceID: Int64?
    public var sourceKind: SourceKind
    /// The file path or the link, as given.
    public var source: String
    /// For a link: the SHA-256 of the file the link delivered, in the media store, once downloaded
    /// (a rerun uses it and does not download again).
    public var linkMediaHash: String?
    /// The extracted input audio in the media store, once uploaded.
    public var sourceMediaHash: String?
    /// The converted audio in the media store, once done.
    public var resultMediaHash: String?
    /// Semitones, within ``pitchShiftRange``.
    public var pitchShift: Int
    /// Whether vocals are separated from the backing track before conversion.
    public var separate: Bool
    /// Provider-specific parameters.
    public var parameters: DubParameters
    /// Where the dub stands; changed only through the lifecycle.
    public internal(set) var status: DubStatus
    /// The provider's job id, recorded right after the paid request.
    public var providerJobID: String?
    public var inputDurationMs: Int64?
    public var creditsRequired: Int64?
    public var creditsUsed: Int64
    public internal(set) var errorCode: String?
    public internal(set) var errorMessage: String?
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date
    /// How the result keeps to the source, measured once it is downloaded.
    public var syncReport: SyncReport?
    /// For a chunk of a long dub: the dub it is part of (see ``chunkIndex``).
    public internal(set) var parentID: Int64?
    /// For a chunk: its place among its parent's chunks, from 0.
    public internal(set) var chunkIndex: Int?
    /// For a chunk: where its audio starts and ends in the parent's source, in milliseconds (chunks
    /// overlap a little around each cut, for the crossfade that joins them).
    public internal(set) var chunkStartMs: Int64?
    public internal(set) var chunkEndMs: Int64?
    /// The longest chunk the user asked for (`dub create --chunk`), in seconds; nil splits only what
    /// exceeds the provider's limits.
    public var chunkSeconds: Double?
    /// For a dub split into chunks: how many (its chunks are dubs whose ``parentID`` is its id).
    public internal(set) var chunkCount: Int?

    /// True for a dub converted as chunks: its stages drive its chunks' and join their results.
    public var isChunked: Bool { chunkCount != nil }

    /// A new dub in status `new`; validates the pitch shift and the link's scheme.
    public init(providerID: String, voiceRef: String, voiceID: Int64? = nil,
                sourceKind: SourceKind, source: String, pitchShift: Int = 0, separate: Bool = false,
                parameters: DubParameters = .empty, now: Date = Date()) throws(DubKitError) {
        try ParameterCatalogue.pitchShift.check(pitchShift)
        guard !providerID.isEmpty, !voiceRef.isEmpty else {
            throw .invalidField(field: "voice", value: "\(providerID):\(voiceRef)", allowed: "PROVIDER:VOICE, both non-empty")
        }
        switch sourceKind {
        case .file:
            guard !source.isEmpty else {
                throw .invalidField(field: "source", value: "\"\"", allowed: "a file path")
            }
        case .link:
            guard WebAddress.url(source) != nil else {
                throw .invalidField(field: "link", value: source, allowed: "an http:// or https:// address")
            }
        }
        self.providerID = providerID
        self.voiceRef = voiceRef
        self.voiceID = voiceID
        self.sourceKind = sourceKind
        self.source = source
        self.pitchShift = pitchShift
        self.separate = separate
        self.parameters = parameters
        self.status = .new
        self.creditsUsed = 0
        self.createdAt = now
        self.updatedAt = now
    }

    /// The `PROVIDER:VOICE` reference of the voice used.
    public var voice: String { "\(providerID):\(voiceRef)" }

    /// The columns of the `dub` table (their names are written here once; the `convert_key` and
    /// `claim_*` columns belong to the store, not to the record), also the keys of a dub's JSON, which
    /// turns them into camelCase. Queries name them through ``Columns``.
    public enum CodingKeys: String, CodingKey, ColumnExpression, CaseIterable {
        case id, providerID = "provider_id", voiceRef = "voice_ref", voiceID = "voice_id"
        case sourceKind = "source_kind", source, linkMediaHash = "link_media_hash", sourceMediaHash = "source_media_hash"
        case resultMediaHash = "result_media_hash", pitchShift = "pitch_shift", separate, parameters
        case status, providerJobID = "provider_job_id", inputDurationMs = "input_duration_ms"
        case creditsRequired = "credits_required", creditsUsed = "credits_used"
        case errorCode = "error_code", errorMessage = "error_message"
        case createdAt = "created_at", updatedAt = "updated_at", syncReport = "sync_report"
        case parentID = "parent_id", chunkIndex = "chunk_index", chunkStartMs = "chunk_start_ms", chunkEndMs = "chunk_end_ms"
        case chunkSeconds = "chunk_seconds", chunkCount = "chunk_count"
    }

    /// The table's columns, for queries (`Dub.Columns.status == ...`).
    public typealias Columns = CodingKeys

    /// Reads a row through its ``Columns``, as the Codable decoding does (RecordEncodingTests holds both
    /// equal on rows with every column set): a dub is read at every step of the engine and 10,000 at a
    /// time by listings, where GRDB's `Decoder` cost a fifth of `dub list --json` (three lookups of each
    /// optional column). Unknown statuses and kinds throw as ``StoredEnum`` does; unreadable times and
    /// JSON columns throw GRDB's error naming the column, as the Codable path does.
    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        providerID = try row.decode(forColumn: Columns.providerID)
        voiceRef = try row.decode(forColumn: Columns.voiceRef)
        voiceID = try row.decode(forColumn: Columns.voiceID)
        sourceKind = try row.known(Columns.sourceKind)
        source = try row.decode(forColumn: Columns.source)
        linkMediaHash = try row.decode(forColumn: Columns.linkMediaHash)
        sourceMediaHash = try row.decode(forColumn: Columns.sourceMediaHash)
        resultMediaHash = try row.decode(forColumn: Columns.resultMediaHash)
        pitchShift = try row.decode(forColumn: Columns.pitchShift)
        separate = try row.decode(forColumn: Columns.separate)
        parameters = try row.decode(forColumn: Columns.parameters)
        status = try row.known(Columns.status)
        providerJobID = try row.decode(forColumn: Columns.providerJobID)
        inputDurationMs = try row.decode(forColumn: Columns.inputDurationMs)
        creditsRequired = try row.decode(forColumn: Columns.creditsRequired)
        creditsUsed = try row.decode(forColumn: Columns.creditsUsed)
        errorCode = try row.decode(forColumn: Columns.errorCode)
        errorMessage = try row.decode(forColumn: Columns.errorMessage)
        createdAt = try row.decode(forColumn: Columns.createdAt)
        updatedAt = try row.decode(forColumn: Columns.updatedAt)
        syncReport = try row.decode(forColumn: Columns.syncReport)
        parentID = try row.decode(forColumn: Columns.parentID)
        chunkIndex = try row.decode(forColumn: Columns.chunkIndex)
        chunkStartMs = try row.decode(forColumn: Columns.chunkStartMs)
        chunkEndMs = try row.decode(forColumn: Columns.chunkEndMs)
        chunkSeconds = try row.decode(forColumn: Columns.chunkSeconds)
        chunkCount = try row.decode(forColumn: Columns.chunkCount)
    }

    /// Writes the columns through its ``Columns`` as GRDB's Codable encoding would (RecordEncodingTests
    /// holds both equal): every stage of a dub writes its row, `updateChanges` encodes it twice, and
    /// GRDB's `Encoder` was half a millisecond of the engine's CPU a dub.
    public func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.providerID] = providerID
        container[Columns.voiceRef] = voiceRef
        container[Columns.voiceID] = voiceID
        container[Columns.sourceKind] = sourceKind.rawValue
        container[Columns.source] = source
        container[Columns.linkMediaHash] = linkMediaHash
        container[Columns.sourceMediaHash] = sourceMediaHash
        container[Columns.resultMediaHash] = resultMediaHash
        container[Columns.pitchShift] = pitchShift
        container[Columns.separate] = separate
        container[Columns.parameters] = parameters
        container[Columns.status] = status.rawValue
        container[Columns.providerJobID] = providerJobID
        container[Columns.inputDurationMs] = inputDurationMs
        container[Columns.creditsRequired] = creditsRequired
        container[Columns.creditsUsed] = creditsUsed
        container[Columns.errorCode] = errorCode
        container[Columns.errorMessage] = errorMessage
        container[Columns.createdAt] = UTCDateText.storeValue(createdAt)
        container[Columns.updatedAt] = UTCDateText.storeValue(updatedAt)
        container[Columns.syncReport] = syncReport
        container[Columns.parentID] = parentID
        container[Columns.chunkIndex] = chunkIndex
        container[Columns.chunkStartMs] = chunkStartMs
        container[Columns.chunkEndMs] = chunkEndMs
        container[Columns.chunkSeconds] = chunkSeconds
        container[Columns.chunkCount] = chunkCount
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
