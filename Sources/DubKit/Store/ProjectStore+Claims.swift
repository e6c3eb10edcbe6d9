import Foundation
import GRDB

/// Claims, leases and fences: a dub (each chunk too) or a voice training is advanced only by the
/// runner holding its claim. A claim is taken by one conditional update that raises the row's fence;
/// its holder renews the lease while it works, and every write it makes is conditional on the fence it
/// claimed with (``fenced(by:)``), so a runner that lost its claim can never overwrite the new holder.
extension ProjectStore {
    /// Takes the claim on `subject` for this process, for `leaseSeconds`: free, its lease run out, its
    /// holder a process of this machine that is gone, or held by this same process (then taken again
    /// with a new fence). With `force` (`dub cancel`) it is taken whoever holds it. Throws
    /// ``DubKitError/claimedElsewhere(entity:id:holder:)`` when another live runner holds it.
    public func claim(_ subject: ClaimSubject, leaseSeconds: Double, runner: RunnerIdentity = .current,
                      force: Bool = false, now: Date = Date()) throws(DubKitError) -> Claim {
        try unfenced.write { db in
            let (fence, holder) = try Self.currentClaim(subject, in: db, project: name)
            if let holder, !force, holder.runner != runner, holder.isLive(at: now) {
                throw DubKitError.claimedElsewhere(entity: subject.entity, id: subject.id, holder: holder)
            }
            let claim = Claim(subject: subject, fence: fence + 1, runner: runner, leaseSeconds: leaseSeconds)
            try db.execute(sql: """
                UPDATE \(subject.table) SET claim_host = ?, claim_pid = ?, claim_started_ms = ?, claim_lease_until_ms = ?,
                    claim_fence = ? WHERE id = ? AND claim_fence = ?
                """, arguments: [runner.host, runner.pid, runner.startedMs, claim.leaseEnd(from: now), claim.fence, subject.id, fence])
            guard db.changesCount == 1 else {
                throw DubKitError.claimLost(entity: subject.entity, id: subject.id, fence: claim.fence,
                                            holder: try Self.currentClaim(subject, in: db, project: name).holder)
            }
            return claim
        }
    }

    /// Renews the claim's lease; throws ``DubKitError/claimLost(entity:id:fence:holder:)`` when it was taken over.
    public func renew(_ claim: Claim) throws(DubKitError) {
        try unfenced.write { db in try Self.confirm(claim, in: db) }
    }

    /// Gives the claim up (the fence stays, so a later claim raises it further); nothing happens when it
    /// was taken over meanwhile.
    public func release(_ claim: Claim) throws(DubKitError) {
        try unfenced.write { db in
            try db.execute(sql: """
                UPDATE \(claim.subject.table) SET claim_host = NULL, claim_pid = NULL, claim_started_ms = NULL,
                    claim_lease_until_ms = NULL WHERE id = ? AND claim_fence = ?
                """, arguments: [claim.subject.id, claim.fence])
        }
    }

    /// Who holds `subject`'s claim, when anyone does (a released or never taken claim: nil). The holder
    /// may be gone: see ``ClaimHolder/isLive(at:)``.
    public func holder(of subject: ClaimSubject) throws(DubKitError) -> ClaimHolder? {
        try read { db in try Self.currentClaim(subject, in: db, project: name).holder }
    }

    /// The holders of the dubs' claims, by dub id (dubs no one holds are left out).
    public func dubHolders() throws(DubKitError) -> [Int64: ClaimHolder] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, claim_host, claim_pid, claim_started_ms, claim_lease_until_ms, claim_fence FROM dub
                WHERE claim_host IS NOT NULL
                """)
            var holders: [Int64: ClaimHolder] = [:]
            for row in rows { if let holder = Self.holder(row) { holders[row["id"]] = holder } }
            return holders
        }
    }

    /// Runs `body` holding the claim on `subject`: `body` gets this store fenced by the claim, the lease
    /// is renewed a third of the way through while it runs, and the claim is released when it ends. When
    /// the claim is taken over, `body` is cancelled and ``DubKitError/claimLost(entity:id:fence:holder:)``
    /// thrown.
    /// With `force` (`dub cancel`) the claim is taken whoever holds it.
    public func withClaim<T: Sendable>(_ subject: ClaimSubject, leaseSeconds: Double, force: Bool = false,
                                       _ body: @escaping @Sendable (ProjectStore) async throws -> T) async throws -> T {
        let claim = try self.claim(subject, leaseSeconds: leaseSeconds, force: force)
        let fenced = fenced(by: claim)
        do {
            let value = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(fenced) }
                group.addTask {
                    try await Self.keep(claim, in: fenced)
                    return nil
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw DubKitError.claimLost(entity: subject.entity, id: subject.id, fence: claim.fence, holder: nil)
            }
            try? release(claim)
            return value
        } catch {
            try? release(claim)
            throw error
        }
    }

    /// Renews `claim` a third of the way through each lease until the task is cancelled; throws when it
    /// was taken over.
    private static func keep(_ claim: Claim, in store: ProjectStore) async throws {
        let period = UInt64(max(claim.leaseSeconds / 3, 0.05) * 1_000_000_000)
        while true {
            try await Task.sleep(nanoseconds: period)
            try store.renew(claim)
        }
    }

    /// Inside a write transaction: refuses it unless `claim` still holds its subject (same fence, same
    /// holder), and renews the lease.
    static func confirm(_ claim: Claim, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE \(claim.subject.table) SET claim_lease_until_ms = ?
            WHERE id = ? AND claim_fence = ? AND claim_pid = ? AND claim_host = ?
            """).execute(arguments: [claim.leaseEnd(), claim.subject.id, claim.fence, claim.runner.pid, claim.runner.host])
        guard db.changesCount == 1 else {
            throw DubKitError.claimLost(entity: claim.subject.entity, id: claim.subject.id, fence: claim.fence,
                                        holder: try currentClaim(claim.subject, in: db, project: "").holder)
        }
    }

    /// The subject's fence and holder inside the caller's transaction.
    private static func currentClaim(_ subject: ClaimSubject, in db: Database, project: String) throws -> (fence: Int64, holder: ClaimHolder?) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT claim_host, claim_pid, claim_started_ms, claim_lease_until_ms, claim_fence FROM \(subject.table) WHERE id = ?
            """), arguments: [subject.id]) else {
            throw DubKitError.notFound(entity: subject.entity, key: String(subject.id), project: project)
        }
        return (row["claim_fence"], holder(row))
    }

    private static func holder(_ row: Row) -> ClaimHolder? {
        guard let host: String = row["claim_host"], let pid: Int32 = row["claim_pid"],
              let lease: Int64 = row["claim_lease_until_ms"] else { return nil }
        let started: Int64 = row["claim_started_ms"] ?? 0
        return ClaimHolder(runner: RunnerIdentity(host: host, pid: pid, startedMs: started),
                           leaseUntil: Date(timeIntervalSince1970: Double(lease) / 1000), fence: row["claim_fence"])
    }
}
