import DubKit
import Foundation
import PostgresNIO

/// The providers' pacing rules kept for every worker of a fleet (``SharedPacer``), in `provider_pace`
/// as the SQLite store keeps them (ProjectStore+Pacing): one row a provider and key, with when its last
/// request left and who holds its turn. The takers of one key wait for each other on a transaction
/// lock of that key, as SQLite's writers do on the database.
extension PostgresStore: PaceStore {
    /// The key under which a provider's pause (a 429's Retry-After) is kept; its `last_sent_ms` is its end.
    static let pauseKey = "(paused)"

    public func startTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64, spacingMs: Int64,
                          leaseMs: Int64, nowMs: Int64) async throws -> PaceStart {
        if spacingMs == 0 {
            let paused = try await query("""
                SELECT last_sent_ms FROM provider_pace WHERE provider_id = \(provider) AND key = \(Self.pauseKey)
                """, stage: "read provider pause")
            let end = try paused.first?.decode(Int64?.self) ?? nil
            return Self.pauseEnd(end, nowMs: nowMs).map { .wait(untilMs: $0) } ?? .started
        }
        return try await transaction(stage: "start a turn of \(provider)") { connection in
            try await self.lockPace(provider, key, on: connection)
            var pace = Pace()
            var pauseEnd: Int64?
            for row in try await self.rows("""
                SELECT key, last_sent_ms, holder_host, holder_pid, holder_started_ms, holder_turn, held_until_ms FROM provider_pace
                WHERE provider_id = \(provider) AND key IN (\(key), \(Self.pauseKey))
                """, on: connection) {
                let (rowKey, last, host, pid, started, turn, until) = try row.decode(
                    (String, Int64?, String?, Int64?, Int64?, Int64?, Int64?).self)
                if rowKey == Self.pauseKey {
                    pauseEnd = Self.pauseEnd(last, nowMs: nowMs)
                } else {
                    pace = Pace(lastSentMs: last, host: host, pid: pid, startedMs: started, turn: turn, heldUntilMs: until)
                }
            }
            if let holding = pace.holder, !pace.isHeld(by: holder, number: number), (pace.heldUntilMs ?? 0) > nowMs,
               !holding.isGoneFromThisHost {
                return .wait(untilMs: nowMs + PaceStart.heldRetryMs)
            }
            var earliest = pauseEnd ?? nowMs
            // A clock set back never makes the key wait more than one spacing.
            if let sent = pace.lastSentMs { earliest = max(earliest, min(sent + spacingMs, nowMs + spacingMs)) }
            if earliest > nowMs { return .wait(untilMs: earliest) }
            _ = try await self.rows("""
                INSERT INTO provider_pace (provider_id, key, holder_host, holder_pid, holder_started_ms, holder_turn, held_until_ms)
                VALUES (\(provider), \(key), \(holder.host), \(Int64(holder.pid)), \(holder.startedMs), \(Int64(bitPattern: number)),
                    \(nowMs + leaseMs))
                ON CONFLICT (provider_id, key) DO UPDATE SET holder_host = EXCLUDED.holder_host, holder_pid = EXCLUDED.holder_pid,
                    holder_started_ms = EXCLUDED.holder_started_ms, holder_turn = EXCLUDED.holder_turn,
                    held_until_ms = EXCLUDED.held_until_ms
                """, on: connection)
            return .started
        }
    }

    public func endTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64, lastSentMs: Int64?) async throws {
        try await transaction(stage: "end a turn of \(provider)") { connection in
            try await self.lockPace(provider, key, on: connection)
            guard let row = try await self.rows("""
                SELECT last_sent_ms, holder_host, holder_pid, holder_started_ms, holder_turn, held_until_ms FROM provider_pace
                WHERE provider_id = \(provider) AND key = \(key)
                """, on: connection).first else { return }
            let (last, host, pid, started, turn, until) = try row.decode((Int64?, String?, Int64?, Int64?, Int64?, Int64?).self)
            let pace = Pace(lastSentMs: last, host: host, pid: pid, startedMs: started, turn: turn, heldUntilMs: until)
            // A send is kept even when the turn was taken over meanwhile: the next turn keeps apart from it.
            let sent = lastSentMs.map { max(last ?? $0, $0) } ?? last
            let frees = pace.isHeld(by: holder, number: number)
            _ = try await self.rows("""
                UPDATE provider_pace SET last_sent_ms = \(sent),
                    holder_host = CASE WHEN \(frees) THEN NULL ELSE holder_host END,
                    holder_pid = CASE WHEN \(frees) THEN NULL ELSE holder_pid END,
                    holder_started_ms = CASE WHEN \(frees) THEN NULL ELSE holder_started_ms END,
                    holder_turn = CASE WHEN \(frees) THEN NULL ELSE holder_turn END,
                    held_until_ms = CASE WHEN \(frees) THEN NULL ELSE held_until_ms END
                WHERE provider_id = \(provider) AND key = \(key)
                """, on: connection)
        }
    }

    public func pause(provider: String, untilMs: Int64) async throws {
        try await transaction(stage: "pause \(provider)") { connection in
            try await self.lockPace(provider, Self.pauseKey, on: connection)
            _ = try await self.rows("""
                INSERT INTO provider_pace (provider_id, key, last_sent_ms) VALUES (\(provider), \(Self.pauseKey), \(untilMs))
                ON CONFLICT (provider_id, key) DO UPDATE SET last_sent_ms = EXCLUDED.last_sent_ms
                WHERE provider_pace.last_sent_ms IS NULL OR provider_pace.last_sent_ms < EXCLUDED.last_sent_ms
                """, on: connection)
        }
    }

    /// Makes the takers of one key of one provider (in this schema) wait for each other until the
    /// transaction ends.
    private func lockPace(_ provider: String, _ key: String, on connection: PostgresConnection) async throws {
        let lock = "dubkit-pace:\(schema)\u{1f}\(provider)\u{1f}\(key)"
        _ = try await rows("SELECT pg_advisory_xact_lock(hashtext(\(lock)))", on: connection)
    }

    /// When a provider's pause ends, when it is paused now.
    private static func pauseEnd(_ end: Int64?, nowMs: Int64) -> Int64? {
        guard let end, end > nowMs else { return nil }
        return end
    }

    /// One key's row as read.
    private struct Pace {
        var lastSentMs: Int64?
        var host: String?
        var pid: Int64?
        var startedMs: Int64?
        var turn: Int64?
        var heldUntilMs: Int64?

        /// The runner holding the turn, when one does.
        var holder: RunnerIdentity? {
            guard let host, let pid, let pid32 = Int32(exactly: pid), let startedMs else { return nil }
            return RunnerIdentity(host: host, pid: pid32, startedMs: startedMs)
        }

        /// Whether `holder`'s turn `number` is the one held.
        func isHeld(by holder: RunnerIdentity, number: UInt64) -> Bool {
            self.holder == holder && turn == Int64(bitPattern: number)
        }
    }
}
