import Foundation
import GRDB

/// One attempt at one stage of a dub or a voice training, kept so work resumes and is never paid twice.
public struct StageAttempt: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stage_attempt"

    /// The stages a dub or a voice goes through.
    public enum Stage: String, Codable, Sendable, CaseIterable {
        case upload, preprocess, generate, train, download
    }

    /// How an attempt ended, or that it is still running (or was cut off).
    public enum Outcome: String, Codable, Sendable {
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

    enum CodingKeys: String, CodingKey {
        case id, dubID = "dub_id", voiceID = "voice_id", stage, attempt, outcome
        case providerJobID = "provider_job_id", requestFingerprint = "request_fingerprint"
        case startedAt = "started_at", finishedAt = "finished_at"
        case errorCode = "error_code", errorMessage = "error_message"
    }

    /// Writes the columns as the Codable path would, without a Codable encoder per row.
    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["dub_id"] = dubID
        container["voice_id"] = voiceID
        container["stage"] = stage.rawValue
        container["attempt"] = attempt
        container["outcome"] = outcome.rawValue
        container["provider_job_id"] = providerJobID
        container["request_fingerprint"] = requestFingerprint
        container["started_at"] = UTCDateText.storeValue(startedAt)
        container["finished_at"] = finishedAt.map(UTCDateText.storeValue)
        container["error_code"] = errorCode
        container["error_message"] = errorMessage
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension StageAttempt {
    /// Reads a row column by column (the engine reads an attempt at every stage of every dub).
    public init(row: Row) throws {
        id = row["id"]
        dubID = row["dub_id"]
        voiceID = row["voice_id"]
        let stage: String = row["stage"]
        guard let known = Stage(rawValue: stage) else {
            throw DubKitError.invalidField(field: "stage_attempt.stage", value: stage,
                                           allowed: Stage.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.stage = known
        attempt = row["attempt"]
        let outcome: String = row["outcome"]
        guard let ended = Outcome(rawValue: outcome) else {
            throw DubKitError.invalidField(field: "stage_attempt.outcome", value: outcome, allowed: "running, succeeded, failed")
        }
        self.outcome = ended
        providerJobID = row["provider_job_id"]
        requestFingerprint = row["request_fingerprint"]
        startedAt = row["started_at"]
        finishedAt = row["finished_at"]
        errorCode = row["error_code"]
        errorMessage = row["error_message"]
    }

    /// Inserts the attempt with a cached statement (the engine starts one at every stage of every
    /// dub); the same row as `insert(_:)`.
    mutating func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO stage_attempt (dub_id, voice_id, stage, attempt, outcome, provider_job_id, request_fingerprint,
                                       started_at, finished_at, error_code, error_message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [dubID, voiceID, stage.rawValue, attempt, outcome.rawValue, providerJobID,
                                     requestFingerprint, UTCDateText.storeValue(startedAt),
                                     finishedAt.map(UTCDateText.storeValue), errorCode, errorMessage])
        id = db.lastInsertedRowID
    }

    /// Writes how the attempt ended (outcome, end time, job id, error) with a cached statement; the
    /// columns an attempt's end can change, the others being as the attempt began.
    func updateEnd(_ db: Database) throws {
        guard let id else { throw RecordError.recordNotFound(databaseTableName: Self.databaseTableName, key: ["id": .null]) }
        try db.cachedStatement(sql: """
            UPDATE stage_attempt SET outcome = ?, finished_at = ?, provider_job_id = ?, error_code = ?, error_message = ?
            WHERE id = ?
            """).execute(arguments: [outcome.rawValue, finishedAt.map(UTCDateText.storeValue), providerJobID, errorCode,
                                     errorMessage, id])
        guard db.changesCount > 0 else {
            throw RecordError.recordNotFound(databaseTableName: Self.databaseTableName, key: ["id": id.databaseValue])
        }
    }
}
