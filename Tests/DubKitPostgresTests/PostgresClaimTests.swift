import DubKit
import DubKitPostgres
import DubKitTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Claims on PostgreSQL", .serialized)
struct PostgresClaimTests {
    /// A runner of the fleet, told apart by its host name.
    private static func runner(_ name: String, _ pid: Int32 = 100) -> RunnerIdentity {
        RunnerIdentity(host: name, pid: pid, startedMs: 1_700_000_000_000)
    }

    /// Adds `count` dubs in `status`, returning their ids.
    private static func addDubs(_ count: Int, status: DubStatus, to store: PostgresStore) async throws -> [Int64] {
        try await store.query("""
            INSERT INTO dub (provider_id, voice_ref, source_kind, source, status, created_at, updated_at)
            SELECT 'local', 'bright', 'file', 'in-' || n || '.wav', \(status.rawValue), now(), now()
            FROM generate_series(1, \(Int64(count))) AS n
            RETURNING id
            """, stage: "test").map { try $0.decode(Int64.self) }.sorted()
    }

    @Test("8 claimers on their own connections share 200 ready dubs: each claimed once, with fence 1; dubs one claimer has locked are skipped, not waited for; finished, failed and cancelled dubs are never claimed")
    func concurrentClaimers() async throws {
        let address = try TestPostgres.address()
        try await TestPostgres.withFreshSchema { store in
            let ready = try await (Self.addDubs(150, status: .new, to: store) + Self.addDubs(50, status: .queued, to: store)).sorted()
            let others = try await Self.addDubs(10, status: .done, to: store) + Self.addDubs(10, status: .error, to: store)
                + Self.addDubs(10, status: .cancelled, to: store)
            // Another transaction holds the first ten ready rows locked while the claimers run: a claimer
            // that waited for them would still be waiting when that transaction ends, 20 s later.
            let held = Array(ready.prefix(10))
            let locked = Locked(false)
            let connected = Locked(0)
            let claimersDone = Locked(false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await store.transaction(stage: "hold rows") { connection in
                        _ = try await store.rows("SELECT id FROM dub WHERE id = ANY(\(held)) FOR UPDATE", on: connection)
                        locked.withLock { $0 = true }
                        let deadline = Date().addingTimeInterval(20)
                        while !claimersDone.current && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
                    }
                }
                while !locked.current { try await Task.sleep(nanoseconds: 10_000_000) }
                let started = Date()
                let claims = try await withThrowingTaskGroup(of: [Claim].self) { claimers in
                    for index in 0..<8 {
                        claimers.addTask {
                            try await PostgresStore.withStore(address, schema: store.schema, maximumConnections: 1) { own in
                                // All eight start claiming together, each on a connection of its own.
                                _ = try await own.query("SELECT 1", stage: "test")
                                connected.withLock { $0 += 1 }
                                while connected.current < 8 { try await Task.sleep(nanoseconds: 5_000_000) }
                                var mine: [Claim] = []
                                while true {
                                    let got = try await own.claimReadyDubs(limit: 3, runner: Self.runner("claimer-\(index)"), leaseSeconds: 300)
                                    if got.isEmpty { return mine }
                                    mine += got
                                }
                            }
                        }
                    }
                    var all: [Claim] = []
                    for try await some in claimers { all += some }
                    return all
                }
                let elapsed = Date().timeIntervalSince(started)
                claimersDone.withLock { $0 = true }
                try await group.waitForAll()

                let ids = claims.map(\.subject.id)
                #expect(ids.count == 190, "claims made while ten rows were locked: \(ids.count)")
                #expect(Set(ids).count == ids.count, "a dub was claimed twice")
                #expect(Set(ids) == Set(ready).subtracting(held))
                #expect(claims.allSatisfy { $0.fence == 1 })
                #expect(elapsed < 15, "the claimers took \(elapsed) s: they waited for the locked rows")
                #expect(Set(claims.map(\.runner.host)).count > 1, "one claimer took everything: the others never ran at once")
            }
            // Once the lock is gone the held ten are claimed, once, by whoever asks next.
            let rest = try await store.claimReadyDubs(limit: 50, runner: Self.runner("late"), leaseSeconds: 300)
            #expect(rest.map(\.subject.id) == held)
            #expect(try await store.claimReadyDubs(limit: 50, runner: Self.runner("later"), leaseSeconds: 300).isEmpty)
            #expect(try await TestPostgres.integer("SELECT count(*) FROM dub WHERE claim_fence = 1 AND claim_host IS NOT NULL", in: store) == 200)
            #expect(try await TestPostgres.integer("SELECT count(*) FROM dub WHERE claim_fence <> 0 AND status IN ('done', 'error', 'cancelled')",
                                                   in: store) == 0)
            #expect(others.count == 30)
        }
    }

    @Test("a lease that runs out is taken over by another claimer with a higher fence; the old holder's writes, renewal and release are refused or do nothing")
    func expiryAndStaleFence() async throws {
        try await TestPostgres.withFreshSchema { store in
            let id = try #require(try await Self.addDubs(1, status: .preprocessed, to: store).first)
            let first = try #require(try await store.claimReadyDubs(limit: 10, runner: Self.runner("worker-a"), leaseSeconds: 1).first)
            #expect(first.fence == 1 && first.subject == .dub(id))
            // While the lease runs, no one else gets it.
            #expect(try await store.claimReadyDubs(limit: 10, runner: Self.runner("worker-b"), leaseSeconds: 30).isEmpty)
            try await store.write(fencedBy: first, stage: "record job") { connection in
                _ = try await store.rows("UPDATE dub SET provider_job_id = 'job-a' WHERE id = \(id)", on: connection)
            }
            #expect(try await store.holder(of: .dub(id))?.runner.host == "worker-a")

            // worker-a stops renewing (paused, cut off); its lease runs out and worker-b takes the dub over.
            try await Task.sleep(nanoseconds: 1_500_000_000)
            let second = try #require(try await store.claimReadyDubs(limit: 10, runner: Self.runner("worker-b"), leaseSeconds: 30).first)
            #expect(second.subject == .dub(id) && second.fence == 2)

            // worker-a comes back: its fenced write is refused and writes nothing.
            do {
                try await store.write(fencedBy: first, stage: "record job") { connection in
                    _ = try await store.rows("UPDATE dub SET provider_job_id = 'job-a-late' WHERE id = \(id)", on: connection)
                }
                Issue.record("a write with a stale fence was accepted")
            } catch let error as DubKitError {
                guard case let .claimLost(entity, lostID, fence, holder) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(entity == .dub && lostID == id && fence == 1)
                #expect(holder?.runner.host == "worker-b" && holder?.fence == 2)
            }
            await #expect(throws: DubKitError.self) { try await store.renew(first) }
            try await store.release(first)
            #expect(try await store.holder(of: .dub(id))?.runner.host == "worker-b", "a stale release freed the new holder's claim")

            try await store.write(fencedBy: second, stage: "record job") { connection in
                _ = try await store.rows("UPDATE dub SET provider_job_id = 'job-b' WHERE id = \(id)", on: connection)
            }
            #expect(try await store.query("SELECT provider_job_id FROM dub WHERE id = \(id)", stage: "test").first?.decode(String.self) == "job-b")

            // Released, the dub is free at once for the next claimer, whose fence is higher again.
            try await store.release(second)
            #expect(try await store.holder(of: .dub(id)) == nil)
            let third = try #require(try await store.claimReadyDubs(limit: 10, runner: Self.runner("worker-c"), leaseSeconds: 30).first)
            #expect(third.fence == 3)
            await #expect(throws: DubKitError.self) {
                try await store.write(fencedBy: second, stage: "late write") { _ in }
            }
        }
    }

    @Test("renewing keeps a claim past its first lease: no one takes a dub whose holder renews")
    func renewalKeepsTheClaim() async throws {
        try await TestPostgres.withFreshSchema { store in
            let id = try #require(try await Self.addDubs(1, status: .new, to: store).first)
            let claim = try #require(try await store.claimReadyDubs(limit: 1, runner: Self.runner("worker-a"), leaseSeconds: 1).first)
            for _ in 0..<4 {
                try await Task.sleep(nanoseconds: 400_000_000)
                try await store.renew(claim)
                #expect(try await store.claimReadyDubs(limit: 1, runner: Self.runner("worker-b"), leaseSeconds: 30).isEmpty)
            }
            #expect(try await store.holder(of: .dub(id))?.fence == 1)
        }
    }
}
