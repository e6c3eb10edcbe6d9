import DubKit
import Foundation
import PostgresNIO

/// Claims on PostgreSQL, the same rules as the SQLite store's (ProjectStore+Claims) for a fleet: ready
/// dubs are claimed with `SELECT … FOR UPDATE SKIP LOCKED`, so claimers never wait for each other; each
/// claim raises the row's fence and sets a lease; every later write of the holder is conditional on
/// its fence (``write(fencedBy:stage:_:)``), so a holder whose lease ran out and whose dub another
/// runner took over can never overwrite the new holder. Leases are reckoned by the server's clock, so
/// machines whose clocks differ agree on when one runs out.
extension PostgresStore: ClaimStore {
    /// The statuses in which a dub waits to be advanced: not final, and not `error` (which waits for
    /// the user's retry).
    public static let readyDubStatuses: [DubStatus] = DubStatus.allCases.filter { !$0.isFinal && $0 != .error }

    /// The server's clock in milliseconds since 1970, as the `claim_lease_until_ms` columns count.
    static let serverNowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    /// Claims up to `limit` ready dubs that no runner holds or whose holder's lease has run out, in id
    /// order, for `runner`; each claim's fence is one more than the dub's last. Dubs other claimers are
    /// claiming at the same moment are skipped, not waited for. Returns the claims taken (none when no
    /// dub is ready and free).
    public func claimReadyDubs(limit: Int, runner: RunnerIdentity = .current, leaseSeconds: Double) async throws -> [Claim] {
        let statuses = Self.readyDubStatuses.map(\.rawValue)
        let leaseMs = Int64((leaseSeconds * 1000).rounded())
        let host = runner.host
        let pid = Int64(runner.pid)
        let started = runner.startedMs
        let limit = Int64(max(limit, 0))
        let sql: PostgresQuery = """
            WITH ready AS (
                SELECT id FROM dub
                WHERE status = ANY(\(statuses))
                  AND (claim_host IS NULL OR claim_lease_until_ms <= \(unescaped: Self.serverNowMs))
                ORDER BY id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE dub SET claim_host = \(host), claim_pid = \(pid), claim_started_ms = \(started),
                claim_lease_until_ms = \(unescaped: Self.serverNowMs) + \(leaseMs), claim_fence = dub.claim_fence + 1
            FROM ready WHERE dub.id = ready.id
            RETURNING dub.id, dub.claim_fence
            """
        var claims: [Claim] = []
        for row in try await query(sql, stage: "claim ready dubs") {
            let (id, fence) = try row.decode((Int64, Int64).self)
            claims.append(Claim(subject: .dub(id), fence: fence, runner: runner, leaseSeconds: leaseSeconds))
        }
        return claims.sorted { $0.subject.id < $1.subject.id }
    }

    /// Takes the claim on `subject` for `runner`, as the SQLite store's `claim`: free, its lease run out
    /// (by the server's clock; `now` is not used), its holder a process of this machine that is gone,
    /// or held by `runner` itself (then taken again with a new fence); with `force` whoever holds it.
    /// Throws ``DubKitError/claimedElsewhere(entity:id:holder:)`` when another live runner holds it.
    public func claim(_ subject: ClaimSubject, leaseSeconds: Double, runner: RunnerIdentity, force: Bool, now: Date) async throws -> Claim {
        let table = Self.table(of: subject)
        let leaseMs = Int64((leaseSeconds * 1000).rounded())
        return try await transaction(stage: "claim") { connection in
            let found = try await self.rows("""
                SELECT claim_host, claim_pid, claim_started_ms, claim_lease_until_ms, claim_fence, \(unescaped: Self.serverNowMs)
                FROM \(unescaped: table) WHERE id = \(subject.id) FOR UPDATE
                """, on: connection)
            guard let row = found.first else {
                throw DubKitError.notFound(entity: subject.entity, key: String(subject.id), project: self.schema)
            }
            let (host, pid, started, lease, fence, serverNow) = try row.decode((String?, Int64?, Int64?, Int64?, Int64, Int64).self)
            if let holder = Self.holder(host: host, pid: pid, started: started, lease: lease, fence: fence), !force,
               holder.runner != runner, holder.isLive(at: Date(timeIntervalSince1970: Double(serverNow) / 1000)) {
                throw DubKitError.claimedElsewhere(entity: subject.entity, id: subject.id, holder: holder)
            }
            _ = try await self.rows("""
                UPDATE \(unescaped: table) SET claim_host = \(runner.host), claim_pid = \(Int64(runner.pid)),
                    claim_started_ms = \(runner.startedMs), claim_lease_until_ms = \(serverNow + leaseMs), claim_fence = \(fence + 1)
                WHERE id = \(subject.id)
                """, on: connection)
            return Claim(subject: subject, fence: fence + 1, runner: runner, leaseSeconds: leaseSeconds)
        }
    }

    /// The holders of the dubs' claims, by dub id (dubs no one holds are left out).
    public func dubHolders() async throws -> [Int64: ClaimHolder] {
        var holders: [Int64: ClaimHolder] = [:]
        for row in try await query("""
            SELECT id, claim_host, claim_pid, claim_started_ms, claim_lease_until_ms, claim_fence FROM dub WHERE claim_host IS NOT NULL
            """, stage: "read claims") {
            let (id, host, pid, started, lease, fence) = try row.decode((Int64, String?, Int64?, Int64?, Int64?, Int64).self)
            if let holder = Self.holder(host: host, pid: pid, started: started, lease: lease, fence: fence) { holders[id] = holder }
        }
        return holders
    }

    /// Renews the claim's lease; throws ``DubKitError/claimLost(entity:id:fence:holder:)`` when another
    /// claim took the subject over.
    public func renew(_ claim: Claim) async throws {
        try await transaction(stage: "renew claim") { connection in try await self.confirm(claim, on: connection) }
    }

    /// Gives the claim up (the fence stays, so the next claim raises it further); nothing happens when
    /// the subject was taken over meanwhile.
    public func release(_ claim: Claim) async throws {
        let table = Self.table(of: claim.subject)
        _ = try await query("""
            UPDATE \(unescaped: table) SET claim_host = NULL, claim_pid = NULL, claim_started_ms = NULL, claim_lease_until_ms = NULL
            WHERE id = \(claim.subject.id) AND claim_fence = \(claim.fence)
            """, stage: "release claim")
    }

    /// Runs `body` in one transaction that first confirms `claim` still holds its subject (same fence,
    /// same holder) and renews its lease; the subject's row stays locked until the transaction ends,
    /// so no new claim can come between the check and `body`'s writes. Throws
    /// ``DubKitError/claimLost(entity:id:fence:holder:)``, writing nothing, when the claim was taken over.
    public func write<T: Sendable>(fencedBy claim: Claim, stage: String,
                                   _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction(stage: stage) { connection in
            try await self.confirm(claim, on: connection)
            return try await body(connection)
        }
    }

    /// Who holds `subject`'s claim (nil when no one does; the lease may have run out).
    public func holder(of subject: ClaimSubject) async throws -> ClaimHolder? {
        try await transaction(stage: "read claim") { connection in try await self.holder(of: subject, on: connection) }
    }

    /// Inside a transaction: refuses it unless `claim` still holds its subject, and renews the lease.
    private func confirm(_ claim: Claim, on connection: PostgresConnection) async throws {
        let table = Self.table(of: claim.subject)
        let leaseMs = Int64((claim.leaseSeconds * 1000).rounded())
        let pid = Int64(claim.runner.pid)
        let confirmed = try await rows("""
            UPDATE \(unescaped: table) SET claim_lease_until_ms = \(unescaped: Self.serverNowMs) + \(leaseMs)
            WHERE id = \(claim.subject.id) AND claim_fence = \(claim.fence) AND claim_pid = \(pid) AND claim_host = \(claim.runner.host)
            RETURNING id
            """, on: connection)
        guard confirmed.count == 1 else {
            throw DubKitError.claimLost(entity: claim.subject.entity, id: claim.subject.id, fence: claim.fence,
                                        holder: try await holder(of: claim.subject, on: connection))
        }
    }

    private func holder(of subject: ClaimSubject, on connection: PostgresConnection) async throws -> ClaimHolder? {
        let table = Self.table(of: subject)
        let found = try await rows("""
            SELECT claim_host, claim_pid, claim_started_ms, claim_lease_until_ms, claim_fence FROM \(unescaped: table)
            WHERE id = \(subject.id)
            """, on: connection)
        guard let row = found.first else {
            throw DubKitError.notFound(entity: subject.entity, key: String(subject.id), project: schema)
        }
        let (host, pid, started, lease, fence) = try row.decode((String?, Int64?, Int64?, Int64?, Int64).self)
        return Self.holder(host: host, pid: pid, started: started, lease: lease, fence: fence)
    }

    /// The holder a row's claim columns name, nil when no one holds it.
    private static func holder(host: String?, pid: Int64?, started: Int64?, lease: Int64?, fence: Int64) -> ClaimHolder? {
        guard let host, let pid, let lease, let pid32 = Int32(exactly: pid) else { return nil }
        return ClaimHolder(runner: RunnerIdentity(host: host, pid: pid32, startedMs: started ?? 0),
                           leaseUntil: Date(timeIntervalSince1970: Double(lease) / 1000), fence: fence)
    }

    /// The table a subject's row is in (named as its entity is).
    private static func table(of subject: ClaimSubject) -> String {
        switch subject {
        case .dub: "dub"
        case .voice: "voice"
        }
    }
}
