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

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
