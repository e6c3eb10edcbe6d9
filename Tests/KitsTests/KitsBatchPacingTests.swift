import DubKit
import DubKitTestSupport
import FakeKits
import Foundation
import KitsProvider
import Testing

/// A batch of Kits dubs through the core's `DubBatch`, with the pacing a provider's limits ask for,
/// measured where it matters: at the fake server, by when each request reached it (the kernel's
/// receive time, which the fake's own scheduling cannot shift).
@Suite("Kits batches keep to the pace")
struct KitsBatchPacingTests {
    /// Seconds between consecutive instants.
    static func gaps(_ times: [ContinuousClock.Instant]) -> [Double] {
        zip(times, times.dropFirst()).map { earlier, later in
            let d = later - earlier
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }

    static func text(_ gaps: [Double]) -> String { gaps.map { String(format: "%.3f", $0) }.joined(separator: ", ") }

    @Test("inside a batch every request keeps to the request rate, each conversion POST to the submission rate, and polls of one conversion stay the interval apart")
    func batchKeepsToThePace() async throws {
        let h = try KitsHarness(stage: .milliseconds(400))
        let ids = try (0..<3).map { index in
            try h.fileDub(try h.tone("p\(index).wav", seconds: 0.6, frequency: 200 + 40 * index))
        }
        // A plan's limits, short enough for a test: 400 requests a minute (0.15 s apart), 100 conversions
        // a minute (0.6 s apart), polls of one conversion 0.35 s apart; all measured between sends.
        let paced = PacedProvider(h.adapter, pacer: RequestPacer(perMinute: 400),
                                  submissions: RequestPacer(interval: 0.6), polls: RequestPacer(interval: 0.35))
        let outcomes = await DubBatch(store: h.store, jobsPerProvider: 3, pollInterval: 0.05, retryDelay: 0.05)
            .run(try ids.map { try h.store.dub($0) }) { _ in paced }
        for id in ids {
            guard case let .finished(dub)? = outcomes[id] else { Issue.record("dub \(id) did not finish"); continue }
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorMessage ?? "")")
        }
        let posts = h.fake.callTimes(.createConversion)
        #expect(posts.count == 3)
        #expect(Self.gaps(posts).allSatisfy { $0 >= 0.6 }, "conversion POSTs \(Self.text(Self.gaps(posts))) s apart")
        let api = h.fake.callTimes()
        #expect(api.count >= 9)
        #expect(Self.gaps(api).allSatisfy { $0 >= 0.15 }, "requests \(Self.text(Self.gaps(api))) s apart")
        // The batch's own loop polls every 0.05 s: only the scheduler keeps one conversion's reads 0.35 s
        // apart. The last read of each is the download's (for a fresh signed URL), not a poll.
        #expect(h.fake.conversionIDs.count == 3)
        for conversion in h.fake.conversionIDs {
            let polls = h.fake.callTimes(.getConversion, id: conversion).dropLast()
            #expect(polls.count >= 1)
            #expect(Self.gaps(Array(polls)).allSatisfy { $0 >= 0.35 },
                    "conversion \(conversion) polled \(Self.text(Self.gaps(Array(polls)))) s apart")
        }
    }

    @Test("on a loaded machine, with every third answer 0.3 s late, no two requests reach the service closer than the rate")
    func rateHoldsUnderLoadAndSlowAnswers() async throws {
        let h = try KitsHarness(stage: .milliseconds(600))
        let ids = try (0..<5).map { index in
            try h.fileDub(try h.tone("s\(index).wav", seconds: 0.5, frequency: 180 + 30 * index))
        }
        h.fake.delayAnswers(every: 3, by: .milliseconds(300))
        // Late answers bunch the dubs' next requests together, and the busy cores make a request leave
        // later than its turn: pacing by planned slots lets the next one follow too closely.
        let load = try MachineLoad(workers: 2)
        defer { load.stop() }
        let paced = PacedProvider(h.adapter, pacer: RequestPacer(perMinute: 400))
        let outcomes = await DubBatch(store: h.store, jobsPerProvider: 5, pollInterval: 0.02, retryDelay: 0.05)
            .run(try ids.map { try h.store.dub($0) }) { _ in paced }
        load.stop()
        for id in ids {
            guard case let .finished(dub)? = outcomes[id] else { Issue.record("dub \(id) did not finish"); continue }
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorMessage ?? "")")
        }
        let api = h.fake.callTimes()
        #expect(api.count >= 15) // each dub's POST, at least one poll, the read before its download
        #expect(h.fake.delayedAnswers >= 5)
        let gaps = Self.gaps(api)
        #expect(gaps.allSatisfy { $0 >= 0.15 }, "requests \(Self.text(gaps)) s apart; the closest \(gaps.min() ?? 0)")
    }
}
