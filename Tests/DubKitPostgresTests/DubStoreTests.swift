import DubKit
import DubKitPostgres
import DubKitTestSupport
import Foundation
import Testing

/// The two stores the dub side of the store (``DubStore``) runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty project on this store: a new SQLite project folder, or a new
    /// migrated PostgreSQL schema (dropped afterwards). PostgreSQL needs `DUBKIT_TEST_POSTGRES`: without
    /// it the test fails saying how to start a server, it never skips.
    func withStore(_ body: @Sendable (any DubStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let dir = try TemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir.url) }
            try await body(try Workspace(root: dir.url).createProject("both"))
        case .postgres:
            try await TestPostgres.withFreshSchema { store in try await body(store) }
        }
    }
}

@Suite("The dub side of the store, on SQLite and on PostgreSQL", .serialized)
struct DubStoreTests {
    /// A runner of another machine (never known to be gone from this one: its lease decides).
    private static func runner(_ host: String, _ pid: Int32 = 100) -> RunnerIdentity {
        RunnerIdentity(host: host, pid: pid, startedMs: 1_700_000_000_000)
    }

    private static func newDub(_ store: any DubStore, source: String = "in.wav") async throws -> Dub {
        try await store.createDub(Dub(providerID: "local", voiceRef: "bright", sourceKind: .file, source: source, pitchShift: -3,
                                      separate: true, parameters: try DubParameters(["denoise": .bool(true)])))
    }

    /// Moves dub `id` through `statuses`, in order.
    private static func move(_ store: any DubStore, _ id: Int64, through statuses: [DubStatus]) async throws {
        for status in statuses { try await store.transitionDub(id, to: status, failure: nil, message: nil, updating: nil) }
    }

    @Test("dubs are created and read back whole, listed by status, moved only along the lifecycle, every change logged",
          arguments: StoreKind.allCases)
    func dubsAndLifecycle(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await Self.newDub(store)
            let second = try await store.createDub(Dub(providerID: "voicedub", voiceRef: "abc", sourceKind: .link,
                                                       source: "https://example.com/a.mp4"))
            let id = try #require(first.id)
            #expect(second.id == id + 1)
            let read = try await store.dub(id)
            #expect(read.source == first.source && abs(read.createdAt.timeIntervalSince(first.createdAt)) < 0.001)
            #expect(read.status == .new && read.pitchShift == -3 && read.separate && read.voice == "local:bright")
            #expect(read.parameters.values["denoise"] == .bool(true))

            try await store.transitionDub(id, to: .uploading, failure: nil, message: nil, updating: nil)
            await #expect(throws: DubKitError.self) {
                try await store.transitionDub(id, to: .done, failure: nil, message: nil, updating: nil)
            }
            do {
                try await store.transitionDub(id, to: .done, failure: nil, message: nil, updating: nil)
            } catch let error as DubKitError {
                guard case let .illegalTransition(entity, failedID, from, to, _) = error else { throw error }
                #expect(entity == .dub && failedID == id && from == "uploading" && to == "done")
            }
            #expect(try await store.dub(id).status == .uploading)
            #expect(try await store.dubListing(status: .uploading, chunks: false).dubs.map(\.id) == [id])
            #expect(try await store.dubListing(status: nil, chunks: false).dubs.map(\.id) == [id, second.id])

            let updated = try await store.updateDub(id, registering: []) { $0.providerJobID = "job-7"; $0.inputDurationMs = 1_234 }
            #expect(updated.providerJobID == "job-7" && updated.inputDurationMs == 1_234 && updated.status == .uploading)
            #expect(try await store.dub(id).providerJobID == "job-7")

            let failed = try await store.transitionDub(id, to: .error, failure: FailureInfo(code: "provider_error", message: "it broke"),
                                                       message: nil, updating: nil)
            #expect(failed.errorCode == "provider_error" && failed.errorMessage == "it broke")
            // Leaving error (a retry) clears the recorded error.
            let retried = try await store.transitionDub(id, to: .uploading, failure: nil, message: "retry", updating: nil)
            #expect(retried.errorCode == nil && retried.errorMessage == nil)

            let log = try await store.events(of: .dub, id: id)
            #expect(log.map(\.kind) == [.created, .transition, .transition, .transition])
            #expect(log.map(\.toStatus) == ["new", "uploading", "error", "uploading"])
            #expect(log[2].message == "provider_error: it broke" && log[3].message == "retry")
            try await store.note("looked the job up", on: .dub, id: id)
            #expect(try await store.events(of: .dub, id: id).last?.message == "looked the job up")
            #expect(try await store.events(of: nil, id: nil).count >= 6)

            do {
                _ = try await store.dub(9_999)
                Issue.record("dub 9999 was found")
            } catch let error as DubKitError {
                guard case let .notFound(entity, key, _) = error else { throw error }
                #expect(entity == .dub && key == "9999")
            }
        }
    }

    @Test("a stage's attempts are numbered, one left running is closed, and its end, its change and the next status are one transaction",
          arguments: StoreKind.allCases)
    func stages(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(try await Self.newDub(store).id)
            let first = try await store.beginStage(.upload, dub: id, fingerprint: nil, jobID: nil, closing: nil, moving: .uploading)
            #expect(first.attempt == 1 && first.outcome == .running)
            #expect(try await store.dub(id).status == .uploading)
            // A rerun finds attempt 1 left running: it is closed as failed and attempt 2 starts.
            let second = try await store.beginStage(.upload, dub: id, fingerprint: "f", jobID: nil,
                                                    closing: FailureInfo(code: "interrupted", message: "the runner stopped"), moving: nil)
            #expect(second.attempt == 2 && second.requestFingerprint == "f")
            let attempts = try await store.stageAttempts(dub: id)
            #expect(attempts.map(\.outcome) == [.failed, .running])
            #expect(attempts.first?.errorCode == "interrupted" && attempts.first?.finishedAt != nil)

            let after = try await store.finishStage(second, outcome: .succeeded, jobID: "job-1", failure: nil, then: .uploaded,
                                                    registering: [], updating: { $0.inputDurationMs = 4_000 })
            #expect(after?.status == .uploaded && after?.inputDurationMs == 4_000)
            let last = try #require(try await store.lastAttempt(.upload, dub: id))
            #expect(last.attempt == 2 && last.outcome == .succeeded && last.providerJobID == "job-1")

            // An end whose next status is illegal writes nothing: the attempt stays running, the dub where it was.
            let preprocess = try await store.beginStage(.preprocess, dub: id, fingerprint: nil, jobID: nil, closing: nil, moving: .preprocessing)
            await #expect(throws: DubKitError.self) {
                try await store.finishStage(preprocess, outcome: .succeeded, jobID: nil, failure: nil, then: .done,
                                            registering: [], updating: { $0.inputDurationMs = 1 })
            }
            #expect(try await store.lastAttempt(.preprocess, dub: id)?.outcome == .running)
            let dub = try await store.dub(id)
            #expect(dub.status == .preprocessing && dub.inputDurationMs == 4_000)
            #expect(try await store.lastAttempt(.generate, dub: id) == nil)
        }
    }

    @Test("claims: a live holder keeps its dub, force takes it, the old holder's fenced writes are refused and write nothing, an expired lease is taken over",
          arguments: StoreKind.allCases)
    func claims(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(try await Self.newDub(store).id)
            let (a, b, c) = (Self.runner("render-1"), Self.runner("render-2"), Self.runner("render-3"))
            let mine = try await store.claim(.dub(id), leaseSeconds: 30, runner: a, force: false, now: Date())
            #expect(mine.fence == 1)
            #expect(try await store.holder(of: .dub(id))?.runner == a)
            #expect(try await store.dubHolders()[id]?.fence == 1)
            do {
                _ = try await store.claim(.dub(id), leaseSeconds: 30, runner: b, force: false, now: Date())
                Issue.record("a live holder's dub was claimed")
            } catch let error as DubKitError {
                guard case let .claimedElsewhere(_, claimedID, holder) = error else { throw error }
                #expect(claimedID == id && holder.runner == a)
            }
            // Written under the claim while it holds.
            try await store.fenced(by: mine).transitionDub(id, to: .uploading, failure: nil, message: nil, updating: nil)

            let taken = try await store.claim(.dub(id), leaseSeconds: 30, runner: b, force: true, now: Date())
            #expect(taken.fence == 2)
            do {
                try await store.fenced(by: mine).transitionDub(id, to: .uploaded, failure: nil, message: nil, updating: nil)
                Issue.record("a lost claim's write was accepted")
            } catch let error as DubKitError {
                guard case let .claimLost(_, lostID, fence, holder) = error else { throw error }
                #expect(lostID == id && fence == 1 && holder?.runner == b)
            }
            await #expect(throws: DubKitError.self) { try await store.fenced(by: mine).note("late", on: .dub, id: id) }
            await #expect(throws: DubKitError.self) { try await store.renew(mine) }
            #expect(try await store.dub(id).status == .uploading)
            #expect(try await store.events(of: .dub, id: id).contains { $0.message == "late" } == false)
            try await store.release(mine)
            #expect(try await store.holder(of: .dub(id))?.runner == b)

            try await store.fenced(by: taken).transitionDub(id, to: .uploaded, failure: nil, message: nil, updating: nil)
            try await store.release(taken)
            #expect(try await store.holder(of: .dub(id)) == nil)

            let short = try await store.claim(.dub(id), leaseSeconds: 0.5, runner: a, force: false, now: Date())
            #expect(short.fence == 3)
            try await Task.sleep(nanoseconds: 900_000_000)
            let after = try await store.claim(.dub(id), leaseSeconds: 30, runner: c, force: false, now: Date())
            #expect(after.fence == 4)
            await #expect(throws: DubKitError.self) {
                try await store.fenced(by: short).updateDub(id, registering: []) { $0.providerJobID = "late" }
            }
            #expect(try await store.dub(id).providerJobID == nil)
        }
    }

    @Test("the paid-call ledger: the paid step only from preprocessed and within the budget, its intent recorded once, an unsent entry sent again under its key, unknown outcomes counted",
          arguments: StoreKind.allCases)
    func ledger(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(try await Self.newDub(store).id)
            let waiting = try #require(try await Self.newDub(store, source: "other.wav").id)
            try await Self.move(store, id, through: [.uploading, .uploaded, .preprocessing, .preprocessed])
            try await store.updateDub(id, registering: []) { $0.creditsRequired = 25 }

            do {
                _ = try await store.beginGenerate(dub: id, required: 25, budget: 10, fingerprint: "fp", jobID: "job-1")
                Issue.record("the budget was crossed")
            } catch let error as DubKitError {
                guard case let .budgetExceeded(dub, required, committed, budget) = error else { throw error }
                #expect(dub == id && required == 25 && committed == 0 && budget == 10)
            }
            await #expect(throws: DubKitError.self) {
                try await store.beginGenerate(dub: waiting, required: 25, budget: nil, fingerprint: "fp", jobID: nil)
            }
            #expect(try await store.paidCalls().isEmpty)

            let attempt = try await store.beginGenerate(dub: id, required: 25, budget: 100, fingerprint: "fp", jobID: "job-1")
            #expect(attempt.stage == .generate && attempt.attempt == 1 && attempt.outcome == .running && attempt.requestFingerprint == "fp")
            var entries = try await store.paidCalls(dub: id)
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            #expect(entry.state == .open && entry.credits == 25 && entry.sends == 1 && entry.operation == .generate && entry.jobID == "job-1")
            #expect(entry.idempotencyKey == PaidCall.key(provider: "local", operation: .generate, subject: .dub(id), jobID: "job-1",
                                                         content: ["fp"], generation: 0))
            #expect(try await store.committedCredits() == 25)
            // An open entry is reconciled, never sent again from here.
            await #expect(throws: DubKitError.self) {
                try await store.beginGenerate(dub: id, required: 25, budget: 100, fingerprint: "fp", jobID: "job-1")
            }
            #expect(try await store.paidCalls(dub: id).count == 1)

            try await store.settle(entry, .notSent, note: "refused before anything was charged")
            entries = try await store.paidCalls(dub: id)
            #expect(entries.first?.state == .notSent && entries.first?.note == "refused before anything was charged")
            #expect(entries.first?.settledAt != nil)
            _ = try await store.finishStage(attempt, outcome: .failed, jobID: nil, failure: nil, then: nil, registering: [], updating: nil)
            let again = try await store.beginGenerate(dub: id, required: 25, budget: 100, fingerprint: "fp", jobID: "job-1")
            #expect(again.attempt == 2)
            entries = try await store.paidCalls(dub: id)
            #expect(entries.count == 1 && entries.first?.state == .open && entries.first?.sends == 2 && entries.first?.settledAt == nil)

            try await store.settle(try #require(entries.first), .unknown, note: nil)
            // The running generate's 25 and the unknown entry's 25 (it may have been charged).
            #expect(try await store.committedCredits() == 50)
            #expect(try await store.paidCalls(dub: id).first?.note == "refused before anything was charged")
            #expect(try await store.paidCalls().count == 1)
        }
    }

    @Test("shared pacing: one turn of a key at a time, the next spaced after the last send, a pause holds every key, a gone holder holds nothing",
          arguments: StoreKind.allCases)
    func pacing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (a, b) = (Self.runner("render-1"), Self.runner("render-2"))
            let t: Int64 = 1_800_000_000_000
            let lease: Int64 = 120_000
            func start(_ key: String, _ holder: RunnerIdentity, _ number: UInt64, at now: Int64, spacing: Int64 = 200,
                       provider: String = "voicedub") async throws -> PaceStart {
                try await store.startTurn(provider: provider, key: key, holder: holder, number: number, spacingMs: spacing,
                                          leaseMs: lease, nowMs: now)
            }
            #expect(try await start("dub-1", a, 1, at: t) == .started)
            #expect(try await start("dub-1", b, 1, at: t + 10) == .wait(untilMs: t + 10 + PaceStart.heldRetryMs))
            #expect(try await start("dub-2", b, 2, at: t + 10) == .started)
            try await store.endTurn(provider: "voicedub", key: "dub-1", holder: a, number: 1, lastSentMs: t + 50)
            #expect(try await start("dub-1", b, 3, at: t + 60) == .wait(untilMs: t + 250))
            #expect(try await start("dub-1", b, 3, at: t + 250) == .started)
            // Someone else's end does not free the turn.
            try await store.endTurn(provider: "voicedub", key: "dub-1", holder: a, number: 1, lastSentMs: nil)
            #expect(try await start("dub-1", a, 4, at: t + 500) == .wait(untilMs: t + 500 + PaceStart.heldRetryMs))
            // A lease run out frees it.
            #expect(try await start("dub-1", a, 4, at: t + 250 + lease + 1) == .started)

            try await store.pause(provider: "voicedub", untilMs: t + 5_000)
            try await store.pause(provider: "voicedub", untilMs: t + 1_000)
            #expect(try await start("dub-3", a, 5, at: t + 300) == .wait(untilMs: t + 5_000))
            #expect(try await start("dub-3", a, 5, at: t + 300, spacing: 0) == .wait(untilMs: t + 5_000))
            #expect(try await start("dub-3", a, 5, at: t + 5_000, spacing: 0) == .started)

            // A pause holds its provider only.
            #expect(try await start("dub-3", a, 6, at: t + 300, provider: "kits") == .started)

            // A process of this machine that is gone holds nothing.
            let gone = RunnerIdentity(host: RunnerIdentity.current.host, pid: Int32.max - 1, startedMs: 1)
            #expect(try await start("dub-4", gone, 1, at: t, provider: "kits") == .started)
            #expect(try await start("dub-4", b, 7, at: t + 1, provider: "kits") == .started)
            // A send recorded in the future (a clock set back) never makes the key wait more than one spacing.
            try await store.endTurn(provider: "kits", key: "dub-4", holder: b, number: 7, lastSentMs: t + 1_000_000)
            #expect(try await start("dub-4", a, 8, at: t + 2, provider: "kits") == .wait(untilMs: t + 202))
        }
    }
}
