import Foundation
import GRDB

/// One attempt at one stage of a dub or a voice training, kept so work resumes and is never paid twice.
public struct StageAttempt: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "stage_attempt"

    /// The stages a dub or a voice goes through.
    public enum Stage: String, Codable, Sendable, CaseIterable, StoredEnum {
        case upload, preprocess, generate, train, download
    }

    /// How an attempt ended, or that it is still running (or was cut off).
    public enum Outcome: String, Codable, Sendable, CaseIterable, StoredEnum {
        case running, succeeded, failed
    }

    public internal(set) var id: Int64?
    public var dubID: Int64?
    public var voiceID: Int64?
    public var stage: Stage
    /// 1 for the first attempt at this stage, counting up on retries.
    public var attempt: Int
    public var outcome: Outcome
    /// The provider's job id, recorded right after a paid request.
    public var providerJobID: String?
    /// A hash of the request, recorded before a paid request is sent.
    public var requestFingerprint: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var errorCode: String?
    public var errorMessage: String?

    /// The columns of the `stage_attempt` table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, dubID = "dub_id", voiceID = "voice_id", stage, attempt, outcome
        case providerJobID = "provider_job_id", requestFingerprint = "request_fingerprint"
        case startedAt = "started_at", finishedAt = "finished_at"
        case errorCode = "error_code", errorMessage = "error_message"
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    /// Writes the columns through its ``Columns`` as GRDB's Codable encoding would (RecordEncodingTests
    /// holds both equal): each stage of a dub writes an attempt two or three times, and GRDB's
    /// `Encoder` (an existential and a dynamic cast a column) was most of such a write.
    public func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.dubID] = dubID
        container[Columns.voiceID] = voiceID
        container[Columns.stage] = stage.rawValue
        container[Columns.attempt] = attempt
        container[Columns.outcome] = outcome.rawValue
        container[Columns.providerJobID] = providerJobID
        container[Columns.requestFingerprint] = requestFingerprint
        container[Columns.startedAt] = UTCDateText.storeValue(startedAt)
        container[Columns.finishedAt] = finishedAt.map(UTCDateText.storeValue)
        container[Columns.errorCode] = errorCode
        container[Columns.errorMessage] = errorMessage
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension StageAttempt {
    /// Reads a row through its ``Columns`` (in an extension, keeping the memberwise init), as the
    /// Codable decoding does (RecordEncodingTests holds both equal): a dub's stages read their
    /// attempts several times a dub, where GRDB's `Decoder` looked each optional column up three times.
    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        dubID = try row.decode(forColumn: Columns.dubID)
        voiceID = try row.decode(forColumn: Columns.voiceID)
        stage = try row.known(Columns.stage)
        attempt = try row.decode(forColumn: Columns.attempt)
        outcome = try row.known(Columns.outcome)
        providerJobID = try row.decode(forColumn: Columns.providerJobID)
        requestFingerprint = try row.decode(forColumn: Columns.requestFingerprint)
        startedAt = try row.decode(forColumn: Columns.startedAt)
        finishedAt = try row.decode(forColumn: Columns.finishedAt)
        errorCode = try row.decode(forColumn: Columns.errorCode)
        errorMessage = try row.decode(forColumn: Columns.errorMessage)
    }
}
