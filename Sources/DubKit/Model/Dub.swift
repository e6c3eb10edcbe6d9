import DubKitHTTP
import Foundation
import GRDB

/// One piece of audio or video converted into another voice by one provider.
public struct Dub: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "dub"

    /// Where the dub's input comes from.
    public enum SourceKind: String, Codable, Sendable {
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

    enum CodingKeys: String, CodingKey {
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

    /// Reads a row column by column: listings of thousands of dubs spend most of their time here
    /// otherwise (the Codable path decodes each row's parameters with a JSONDecoder of its own).
    public init(row: Row) throws {
        id = row["id"]
        providerID = row["provider_id"]
        voiceRef = row["voice_ref"]
        voiceID = row["voice_id"]
        let kind: String = row["source_kind"]
        guard let sourceKind = SourceKind(rawValue: kind) else {
            throw DubKitError.invalidField(field: "dub.source_kind", value: kind, allowed: "file, link")
        }
        self.sourceKind = sourceKind
        source = row["source"]
        linkMediaHash = row["link_media_hash"]
        sourceMediaHash = row["source_media_hash"]
        resultMediaHash = row["result_media_hash"]
        pitchShift = row["pitch_shift"]
        separate = row["separate"]
        let parameters: String = row["parameters"]
        self.parameters = parameters == "{}" ? .empty : try DubParameters(json: parameters)
        let status: String = row["status"]
        guard let known = DubStatus(rawValue: status) else {
            throw DubKitError.invalidField(field: "dub.status", value: status, allowed: DubStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.status = known
        providerJobID = row["provider_job_id"]
        inputDurationMs = row["input_duration_ms"]
        creditsRequired = row["credits_required"]
        creditsUsed = row["credits_used"]
        errorCode = row["error_code"]
        errorMessage = row["error_message"]
        createdAt = try row.storedDate("created_at", of: "dub")
        updatedAt = try row.storedDate("updated_at", of: "dub")
        let sync: String? = row["sync_report"]
        syncReport = sync.flatMap(SyncReport.decodeStored)
        parentID = row["parent_id"]
        chunkIndex = row["chunk_index"]
        chunkStartMs = row["chunk_start_ms"]
        chunkEndMs = row["chunk_end_ms"]
        chunkSeconds = row["chunk_seconds"]
        chunkCount = row["chunk_count"]
    }

    /// Writes the columns as the Codable path would (same values, JSON text for `parameters` and
    /// `sync_report` from GRDB's JSON encoder), without a Codable encoder per row: every stage of a
    /// dub writes its row, and that encoder was a tenth of a batch's CPU.
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["provider_id"] = providerID
        container["voice_ref"] = voiceRef
        container["voice_id"] = voiceID
        container["source_kind"] = sourceKind.rawValue
        container["source"] = source
        container["link_media_hash"] = linkMediaHash
        container["source_media_hash"] = sourceMediaHash
        container["result_media_hash"] = resultMediaHash
        container["pitch_shift"] = pitchShift
        container["separate"] = separate
        container["parameters"] = parameters.values.isEmpty ? "{}" : try Self.jsonColumn(parameters, "parameters")
        container["status"] = status.rawValue
        container["provider_job_id"] = providerJobID
        container["input_duration_ms"] = inputDurationMs
        container["credits_required"] = creditsRequired
        container["credits_used"] = creditsUsed
        container["error_code"] = errorCode
        container["error_message"] = errorMessage
        container["created_at"] = UTCDateText.storeValue(createdAt)
        container["updated_at"] = UTCDateText.storeValue(updatedAt)
        container["sync_report"] = try syncReport.map { try Self.jsonColumn($0, "sync_report") }
        container["parent_id"] = parentID
        container["chunk_index"] = chunkIndex
        container["chunk_start_ms"] = chunkStartMs
        container["chunk_end_ms"] = chunkEndMs
        container["chunk_seconds"] = chunkSeconds
        container["chunk_count"] = chunkCount
    }

    /// Updates the columns whose values differ from `old` (the row as read in this transaction) with
    /// a cached statement per set of columns; the row ends as `update(_:)` would leave it.
    func updateColumns(changedFrom old: Dub, _ db: Database) throws {
        guard let id else { throw RecordError.recordNotFound(databaseTableName: Self.databaseTableName, key: ["id": .null]) }
        var columns: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
            columns.append(column)
            values.append(value)
        }
        if providerID != old.providerID { set("provider_id", providerID) }
        if voiceRef != old.voiceRef { set("voice_ref", voiceRef) }
        if voiceID != old.voiceID { set("voice_id", voiceID) }
        if sourceKind != old.sourceKind { set("source_kind", sourceKind.rawValue) }
        if source != old.source { set("source", source) }
        if linkMediaHash != old.linkMediaHash { set("link_media_hash", linkMediaHash) }
        if sourceMediaHash != old.sourceMediaHash { set("source_media_hash", sourceMediaHash) }
        if resultMediaHash != old.resultMediaHash { set("result_media_hash", resultMediaHash) }
        if pitchShift != old.pitchShift { set("pitch_shift", pitchShift) }
        if separate != old.separate { set("separate", separate) }
        if parameters != old.parameters {
            set("parameters", parameters.values.isEmpty ? "{}" : try Self.jsonColumn(parameters, "parameters"))
        }
        if status != old.status { set("status", status.rawValue) }
        if providerJobID != old.providerJobID { set("provider_job_id", providerJobID) }
        if inputDurationMs != old.inputDurationMs { set("input_duration_ms", inputDurationMs) }
        if creditsRequired != old.creditsRequired { set("credits_required", creditsRequired) }
        if creditsUsed != old.creditsUsed { set("credits_used", creditsUsed) }
        if errorCode != old.errorCode { set("error_code", errorCode) }
        if errorMessage != old.errorMessage { set("error_message", errorMessage) }
        if createdAt != old.createdAt { set("created_at", UTCDateText.storeValue(createdAt)) }
        if updatedAt != old.updatedAt { set("updated_at", UTCDateText.storeValue(updatedAt)) }
        if syncReport != old.syncReport { set("sync_report", try syncReport.map { try Self.jsonColumn($0, "sync_report") }) }
        if parentID != old.parentID { set("parent_id", parentID) }
        if chunkIndex != old.chunkIndex { set("chunk_index", chunkIndex) }
        if chunkStartMs != old.chunkStartMs { set("chunk_start_ms", chunkStartMs) }
        if chunkEndMs != old.chunkEndMs { set("chunk_end_ms", chunkEndMs) }
        if chunkSeconds != old.chunkSeconds { set("chunk_seconds", chunkSeconds) }
        if chunkCount != old.chunkCount { set("chunk_count", chunkCount) }
        guard !columns.isEmpty else { return }
        let assignments = columns.map { "\($0) = ?" }.joined(separator: ", ")
        values.append(id)
        try db.cachedStatement(sql: "UPDATE dub SET \(assignments) WHERE id = ?").execute(arguments: StatementArguments(values))
        guard db.changesCount > 0 else {
            throw RecordError.recordNotFound(databaseTableName: Self.databaseTableName, key: ["id": id.databaseValue])
        }
    }

    private static func jsonColumn(_ value: some Encodable, _ column: String) throws -> String {
        String(decoding: try databaseJSONEncoder(for: column).encode(value), as: UTF8.self)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
