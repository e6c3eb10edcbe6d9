import Crypto
import Foundation
import GRDB

/// One paid request in the ledger: written (`open`) before the request is sent and settled after it,
/// keyed by a deterministic idempotency key, so whichever runner comes to the same paid step finds it
/// and reconciles it instead of sending again.
public struct PaidCall: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "paid_call"

    /// The paid operations.
    public enum Operation: String, Codable, Sendable {
        /// A dub's conversion (generate).
        case generate
        /// A custom voice's training.
        case train
    }

    /// Where a paid request stands.
    public enum State: String, Codable, Sendable {
        /// Recorded before sending: it is being sent, or its runner stopped before it knew the outcome.
        case open
        /// The provider took it.
        case completed
        /// The provider refused it, or it never left: nothing was charged, it may be sent again.
        case notSent = "not_sent"
        /// Sent, its answer lost, and the provider cannot be asked: it may have been charged.
        case unknown
        /// An unknown outcome the user chose to pay again for (`dub retry --allow-repay`): it stays
        /// counted as possibly charged, and the next request has a key of its own.
        case abandoned
    }

    public internal(set) var id: Int64?
    /// SHA-256 of what the request is (see ``key(provider:operation:subject:jobID:content:generation:)``).
    public var idempotencyKey: String
    public var providerID: String
    public var operation: Operation
    public var dubID: Int64?
    public var voiceID: Int64?
    /// The provider job the request is for.
    public var jobID: String?
    /// What it costs (or may have cost).
    public var credits: Int64
    public var state: State
    /// How many times it was sent (a request the provider never saw is sent again under the same key).
    public var sends: Int
    /// The fence of the claim it was sent under, and its runner (`host:pid:start`).
    public var fence: Int64
    public var runner: String
    public var openedAt: Date
    public var settledAt: Date?
    /// What was decided about it, in words.
    public var note: String?

    /// The columns of its table (their names written here once), for GRDB and queries.
    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, idempotencyKey = "idempotency_key", providerID = "provider_id", operation
        case dubID = "dub_id", voiceID = "voice_id", jobID = "job_id", credits, state, sends, fence, runner
        case openedAt = "opened_at", settledAt = "settled_at", note
    }

    /// The table's columns, for queries.
    public typealias Columns = CodingKeys

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The idempotency key: SHA-256 over the provider, the operation, the dub or voice and its provider
    /// job, what the request carries (voice, parameters, input audio hash: `content`), and how many earlier
    /// requests of the same step the user chose to pay again for (`generation`). Any runner computes the
    /// same key for the same paid step.
    public static func key(provider: String, operation: Operation, subject: ClaimSubject, jobID: String?,
                           content: [String], generation: Int) -> String {
        let subjectText = switch subject {
        case let .dub(id): "dub \(id)"
        case let .voice(id): "voice \(id)"
        }
        let text = ([provider, operation.rawValue, subjectText, jobID ?? "", String(generation)] + content)
            .joined(separator: "\u{1f}")
        return MediaStore.hex(SHA256.hash(data: Data(text.utf8)))
    }
}

/// What a provider can tell of a paid request whose answer never came (or whose runner stopped
/// before recording it).
public enum PaidRequestLookup: Sendable {
    /// It reached the provider: the job as it stands now.
    case received(DubJobState)
    /// It did not: it may be sent again.
    case notReceived
    /// The provider offers no way to find out; why, in words.
    case cannotTell(String)
}
