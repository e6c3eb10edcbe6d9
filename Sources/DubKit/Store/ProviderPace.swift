import GRDB

/// One key of a provider's pacing rule as the project's store keeps it for every process
/// (``SharedPacer``): when the key's last request left, and who holds its turn now.
struct ProviderPace: Codable, Sendable, Equatable, StoreRecord {
    static let databaseTableName = "provider_pace"
    /// The key under which a provider's pause (a 429's Retry-After) is kept; `lastSentMs` is its end.
    static let pauseKey = "(paused)"

    var providerID: String
    var key: String
    /// When the last request of the key's last turn left, in milliseconds since 1970.
    var lastSentMs: Int64?
    /// The runner holding the key's turn (nil: none), the turn's number in that runner, and when it
    /// is free whoever holds it.
    var holderHost: String?
    var holderPid: Int32?
    var holderStartedMs: Int64?
    var holderTurn: Int64?
    var heldUntilMs: Int64?

    /// The columns of its table (their names written here once), for GRDB and queries.
    enum CodingKeys: String, CodingKey, ColumnExpression {
        case providerID = "provider_id", key, lastSentMs = "last_sent_ms", holderHost = "holder_host"
        case holderPid = "holder_pid", holderStartedMs = "holder_started_ms", holderTurn = "holder_turn"
        case heldUntilMs = "held_until_ms"
    }

    init(providerID: String, key: String) {
        self.providerID = providerID
        self.key = key
    }

    /// The runner holding the turn, when one does.
    var holder: RunnerIdentity? {
        guard let holderHost, let holderPid, let holderStartedMs else { return nil }
        return RunnerIdentity(host: holderHost, pid: holderPid, startedMs: holderStartedMs)
    }

    /// Whether `holder`'s turn `number` is the one held.
    func isHeld(by holder: RunnerIdentity, number: UInt64) -> Bool {
        self.holder == holder && holderTurn == Int64(bitPattern: number)
    }

    /// Gives the turn to `holder` until `untilMs`; nil frees it.
    mutating func hold(_ holder: RunnerIdentity?, number: UInt64 = 0, untilMs: Int64? = nil) {
        holderHost = holder?.host
        holderPid = holder?.pid
        holderStartedMs = holder?.startedMs
        holderTurn = holder.map { _ in Int64(bitPattern: number) }
        heldUntilMs = holder.map { _ in untilMs ?? 0 }
    }
}
